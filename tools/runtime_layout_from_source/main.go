// Command runtime_layout_from_source prints the byte offsets of runtime
// struct fields, computed by type-checking the runtime package of a Go source
// tree with the gc compiler's sizes for one GOARCH. It serves releases for
// which no toolchain (and so no DWARF) is at hand: point -goroot at that
// release's source. -fields picks the field set:
//
//   - goroutine (the default): the g, gobuf and m fields that gentrace's
//     unwind/runtime_layout.cc tabulates, in tests/fixtures/runtime_offsets.py's
//     form, one `name=offset` per line.
//   - defer: the defer/panic machinery, g._defer and g._panic and the fields
//     of the _defer and _panic records, the same way, after a first line
//     `# fields=defer`.
//
// A field the release does not have prints -1; a name ending in "_size" is
// the struct's unsafe.Sizeof rather than an offset.
//
//	go run ./tools/runtime_layout_from_source -goroot=/path/to/go1.16 -goarch=386
//	go run ./tools/runtime_layout_from_source -goroot=/path/to/go1.16 -fields=defer
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

// table lists fields of the runtime type typeName. A field with an empty
// path stands for the type's size.
type table struct {
	typeName string
	fields   []field
}

// fieldSets are the field sets -fields can pick, by name. The order of the
// tables and of their fields is the output's: sweep.sh's columns follow it.
var fieldSets = map[string][]table{
	"goroutine": {
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
	},
	// Names are looked up as they are, never mapped: a field the runtime
	// renamed or dropped (1.18 dropped siz, 1.22 started, openDefer, _panic,
	// fd, varp, framepc and aborted, 1.26 _panic.argp) prints -1 from then
	// on, and one it added (1.14 openDefer, fd, varp, framepc and goexit,
	// 1.22 rangefunc and head) -1 before.
	"defer": {
		{"g", []field{{"_defer", "g_defer"}, {"_panic", "g_panic"}}},
		{"_defer", []field{
			{"siz", "defer_siz"}, {"started", "defer_started"},
			{"heap", "defer_heap"}, {"openDefer", "defer_open_defer"},
			{"rangefunc", "defer_rangefunc"}, {"sp", "defer_sp"},
			{"pc", "defer_pc"}, {"fn", "defer_fn"}, {"_panic", "defer_panic"},
			{"link", "defer_link"}, {"fd", "defer_fd"}, {"varp", "defer_varp"},
			{"framepc", "defer_framepc"}, {"head", "defer_head"},
			{"", "defer_size"},
		}},
		{"_panic", []field{
			{"argp", "panic_argp"}, {"arg", "panic_arg"}, {"link", "panic_link"},
			{"recovered", "panic_recovered"}, {"aborted", "panic_aborted"},
			{"goexit", "panic_goexit"}, {"", "panic_size"},
		}},
	},
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
	fieldSet := flag.String("fields", "goroutine", "field set to print: goroutine or defer")
	flag.Parse()
	tables, ok := fieldSets[*fieldSet]
	if *goroot == "" || !ok {
		fmt.Fprintln(os.Stderr, "usage: runtime_layout_from_source -goroot=DIR [-goarch=ARCH] [-fields=goroutine|defer]")
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
	// The output says which set it is, except the goroutine set's: that is
	// read as bare `name=offset` lines (runtime_layout_test's ReadOffsets
	// and the fixtures' .runtime_layout_from_source.txt) and stays as it was.
	if *fieldSet != "goroutine" {
		fmt.Printf("# fields=%s\n", *fieldSet)
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
			if f.path == "" {
				fmt.Printf("%s=%d\n", f.name, l.sizes.Sizeof(obj.Type()))
				continue
			}
			fmt.Printf("%s=%d\n", f.name, offset(l.sizes, obj.Type(), f.path))
		}
	}
}
