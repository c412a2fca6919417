syntax = "proto3";
package shop;
import "money.proto";
message Order {
  string id = 1;
  dep.Money total = 2;
  dep.Unit unit = 3;
  int32 quantity = 4;
}
service Orders {
  rpc Get(Order) returns (Order);
  rpc Convert(dep.Money) returns (dep.Money);
}
