// Command pcsample prints the PC list that the fixture scripts feed to
// `go tool addr2line`: n distinct PCs drawn uniformly from [lo, hi) with a
// fixed seed, merged with any PCs given on stdin, sorted and de-duplicated.
//
// It exists so the samples are reproducible on any machine: math/rand's
// stream for a given seed is fixed by the Go 1 compatibility promise,
// unlike shuf or awk's rand().
//
// Usage: pcsample -lo 0x401000 -hi 0x4631ea -n 3000 -seed 1 <extra-pcs
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	lo := flag.String("lo", "", "lowest PC that may be drawn (hex)")
	hi := flag.String("hi", "", "PC above the highest one that may be drawn (hex)")
	n := flag.Int("n", 3000, "number of distinct PCs to draw")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()

	loPC, err := parseHex(*lo)
	check(err)
	hiPC, err := parseHex(*hi)
	check(err)
	if hiPC <= loPC || uint64(*n) > hiPC-loPC {
		check(fmt.Errorf("cannot draw %d PCs from [%#x, %#x)", *n, loPC, hiPC))
	}

	pcs := map[uint64]bool{}
	r := rand.New(rand.NewSource(*seed))
	for drawn := 0; drawn < *n; {
		pc := loPC + uint64(r.Int63n(int64(hiPC-loPC)))
		if !pcs[pc] {
			pcs[pc] = true
			drawn++
		}
	}

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		pc, err := parseHex(line)
		check(err)
		pcs[pc] = true
	}
	check(in.Err())

	sorted := make([]uint64, 0, len(pcs))
	for pc := range pcs {
		sorted = append(sorted, pc)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	out := bufio.NewWriter(os.Stdout)
	for _, pc := range sorted {
		fmt.Fprintf(out, "0x%x\n", pc)
	}
	check(out.Flush())
}

func parseHex(s string) (uint64, error) {
	return strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "pcsample:", err)
		os.Exit(1)
	}
}
