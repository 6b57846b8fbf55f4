package voc

import "os"

// VOC_ETREE_READER=1 runs the package's tests and benchmarks with etree's own reader
// (etreeReader), to show that it gives the same output as build.
func init() {
	if os.Getenv("VOC_ETREE_READER") == "1" {
		etreeReader = true
	}
}

// SetEtreeReader switches the reader parse uses, for BenchmarkVOC2012.
func SetEtreeReader(on bool) { etreeReader = on }
