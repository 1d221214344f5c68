//go:build !race

package taskstore_test

const raceEnabled = false
