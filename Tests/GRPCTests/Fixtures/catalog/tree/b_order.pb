
ì
order.protoshopmoney.proto"t
Order
id (	Rid 
total (2
.dep.MoneyRtotal
unit (2	.dep.UnitRunit
quantity (Rquantity2L
Orders
Get.shop.Order.shop.Order!
Convert
.dep.Money
.dep.Moneybproto3