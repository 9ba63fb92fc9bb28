package main

// adder returns a closure (main.adder.func1) capturing k.
//
//go:noinline
func adder(k int) func(int) int {
	return func(x int) int { return x + k }
}

//go:noinline
func apply(f func(int) int, x int) int {
	return f(x)
}

// itoa avoids importing strconv/fmt, keeping the fixture binaries small.
func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [24]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
