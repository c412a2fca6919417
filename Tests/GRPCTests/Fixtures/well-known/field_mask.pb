
æ
 google/protobuf/field_mask.protogoogle.protobuf"!
	FieldMask
paths (	RpathsB…
com.google.protobufBFieldMaskProtoPZ2google.golang.org/protobuf/types/known/fieldmaskpbø¢GPBªGoogle.Protobuf.WellKnownTypesbproto3