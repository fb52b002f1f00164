package webhooktest_test

import (
	"testing"

	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
)

func TestStore(t *testing.T) {
	webhooktest.Run(t, func(*testing.T) webhooktest.Backend { return webhooktest.New() })
}
