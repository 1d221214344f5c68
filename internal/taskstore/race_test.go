//go:build race

package taskstore_test

// raceEnabled: the race detector slows the store tenfold, so the largest
// measurements are left to runs without it.
const raceEnabled = true
