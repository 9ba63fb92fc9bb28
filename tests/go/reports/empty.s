// The assembler's presence lets main.go declare runtime.throw without a body.
