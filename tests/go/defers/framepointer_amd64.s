#include "textflag.h"

// func framePointer() unsafe.Pointer
// With no frame of its own, it has not pushed BP: BP is still its caller's.
TEXT ·framePointer(SB), NOSPLIT, $0-8
	MOVQ BP, ret+0(FP)
	RET
