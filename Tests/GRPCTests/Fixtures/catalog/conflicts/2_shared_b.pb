
P
shared.protoshared"
Thing
id (Rid"
OnlyInB
b (Rbbproto3