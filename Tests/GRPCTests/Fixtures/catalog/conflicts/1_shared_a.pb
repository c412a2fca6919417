
T
shared.protoshared"
Thing
name (	Rname"
OnlyInA
a (Rabproto3