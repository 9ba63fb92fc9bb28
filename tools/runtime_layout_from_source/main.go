// Command runtime_layout_from_source prints the byte offsets of the runtime's
// g, gobuf and m fields that gentrace's unwind/runtime_layout.cc tabulates,
// computed by type-checking the runtime package of a Go source tree with the
// gc compiler's sizes for one GOARCH. It serves releases for which no
// toolchain (and so no DWARF) is at hand: point -goroot at that release's
// source. The output has tests/fixtures/runtime_offsets.py's form, one
// `name=offset` per line, -1 for a field the release does not have.
//
//	go run ./tools/runtime_layout_from_source -goroot=/path/to/go1.16 -goarch=386
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
)

type field struct{ path, name string }

var tables = []struct {
	typeName string
	fields   []field
}{
	{"g", []field{
		{"stack.lo", "g_stack_lo"}, {"stack.hi", "g_stack_hi"}, {"m", "g_m"},
		{"sched", "g_sched"}, {"syscallsp", "g_syscallsp"},
		{"syscallpc", "g_syscallpc"}, {"syscallbp", "g_syscallbp"},
		{"atomicstatus", "g_atomicstatus"}, {"goid", "g_goid"},
		{"waitsince", "g_waitsince"}, {"waitreason", "g_waitreason"},
		{"lockedm", "g_lockedm"}, {"gopc", "g_gopc"},
		{"ancestors", "g_ancestors"}, {"startpc", "g_startpc"},
		{"parentGoid", "g_parent_goid"},
	}},
	{"gobuf", []field{
		{"sp", "gobuf_sp"}, {"pc", "gobuf_pc"}, {"lr", "gobuf_lr"},
		{"bp", "gobuf_bp"},
	}},
	{"m", []field{
		{"g0", "m_g0"}, {"procid", "m_procid"}, {"gsignal", "m_gsignal"},
		{"curg", "m_curg"}, {"id", "m_id"},
	}},
}

// offset is the byte offset of the dotted field path in the struct type t,
// or -1 if some part of the path does not exist.
func offset(sizes types.Sizes, t types.Type, path string) int64 {
	var total int64
	for _, part := range strings.Split(path, ".") {
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return -1
		}
		var fields []*types.Var
		index := -1
		for i := 0; i < st.NumFields(); i++ {
			fields = append(fields, st.Field(i))
			if st.Field(i).Name() == part {
				index = i
			}
		}
		if index < 0 {
			return -1
		}
		total += sizes.Offsetsof(fields)[index]
		t = fields[index].Type()
	}
	return total
}

// loader type-checks packages of one source tree, tolerating errors: some
// constants come from files that cmd/dist generates when it builds the
// toolchain (runtime/internal/sys's zversion.go) and a source tree lacks.
// Such gaps never reach the structs' shapes unnoticed: see validShape.
type loader struct {
	ctxt  build.Context
	fset  *token.FileSet
	sizes types.Sizes
	pkgs  map[string]*types.Package
	errs  []error
}

func (l *loader) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if pkg, ok := l.pkgs[path]; ok {
		return pkg, nil
	}
	bp, err := l.ctxt.Import(path, "", 0)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range bp.GoFiles {
		file, err := parser.ParseFile(l.fset, filepath.Join(bp.Dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	conf := types.Config{
		Importer:         l,
		Sizes:            l.sizes,
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Error:            func(err error) { l.errs = append(l.errs, err) },
	}
	pkg, _ := conf.Check(path, l.fset, files, nil)
	l.pkgs[path] = pkg
	return pkg, nil
}

// validShape reports whether t's size is fully known: no invalid type (an
// undefined name, an array length that did not resolve) anywhere inside it.
func validShape(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() != types.Invalid
	case *types.Array:
		return u.Len() >= 0 && validShape(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !validShape(u.Field(i).Type(), seen) {
				return false
			}
		}
	}
	return true // pointers, slices, maps, ... have a fixed size
}

func main() {
	goroot := flag.String("goroot", "", "root of the Go source tree (holds src/runtime)")
	goarch := flag.String("goarch", "amd64", "GOARCH whose sizes and files to use")
	flag.Parse()
	if *goroot == "" {
		fmt.Fprintln(os.Stderr, "usage: runtime_layout_from_source -goroot=DIR [-goarch=ARCH]")
		os.Exit(2)
	}
	ctxt := build.Default
	ctxt.GOROOT = *goroot
	ctxt.GOOS = "linux"
	ctxt.GOARCH = *goarch
	ctxt.CgoEnabled = false
	// The running toolchain's GOEXPERIMENT tags are its own architecture's;
	// without any, every architecture gets its baseline files.
	ctxt.ToolTags = nil
	l := &loader{
		ctxt:  ctxt,
		fset:  token.NewFileSet(),
		sizes: types.SizesFor("gc", *goarch),
		pkgs:  map[string]*types.Package{},
	}
	pkg, err := l.Import("runtime")
	if err != nil {
		fmt.Fprintln(os.Stderr, "loading runtime:", err)
		os.Exit(1)
	}
	for _, table := range tables {
		obj := pkg.Scope().Lookup(table.typeName)
		if obj == nil || !validShape(obj.Type(), map[types.Type]bool{}) {
			fmt.Fprintf(os.Stderr, "runtime.%s has no known layout; type errors:\n", table.typeName)
			for _, err := range l.errs {
				fmt.Fprintln(os.Stderr, " ", err)
			}
			os.Exit(1)
		}
		for _, f := range table.fields {
			fmt.Printf("%s=%d\n", f.name, offset(l.sizes, obj.Type(), f.path))
		}
	}
}
