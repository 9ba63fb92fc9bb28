package main

type ordered interface {
	~int | ~string
}

// sumOf and maxOf are instantiated with int and string, giving two
// GC shapes each (e.g. main.maxOf[go.shape.string]).
//
//go:noinline
func sumOf[T ordered](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

//go:noinline
func maxOf[T ordered](xs []T) T {
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m
}
