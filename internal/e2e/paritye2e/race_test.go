//go:build race

package paritye2e

const raceEnabled = true
