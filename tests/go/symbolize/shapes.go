package main

type shape interface {
	area() int
	name() string
}

// rect has value receivers: calling them through the interface goes via
// the compiler-generated wrappers main.(*rect).area / main.(*rect).name.
type rect struct{ w, h int }

func (r rect) area() int    { return r.w * r.h }
func (r rect) name() string { return "rect" }

// square has pointer receivers.
type square struct{ side int }

func (s *square) area() int    { return s.side * s.side }
func (s *square) name() string { return "square" }

//go:noinline
func shapes() []shape {
	return []shape{rect{w: 2, h: 3}, &square{side: 4}}
}

// totalArea makes dynamic interface calls the compiler cannot devirtualize.
//
//go:noinline
func totalArea(ss []shape) int {
	t := 0
	for _, s := range ss {
		t += s.area() + len(s.name())
	}
	return t
}
