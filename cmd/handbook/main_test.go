package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the handbook command in-process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"handbook": func() {
			main := &Main{Stdout: os.Stdout, Stderr: os.Stderr}
			os.Exit(main.Run(context.Background(), os.Args[1:]))
		},
	})
}

// TestScripts runs every testdata/script/*.txtar: each builds a small site
// with the real command and asserts on its output and files.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
	})
}
