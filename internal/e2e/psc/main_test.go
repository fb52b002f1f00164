package psc_test

import (
	"os"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
