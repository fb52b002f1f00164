package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// sandboxFile is the part of DIR/sandbox.json (written by `brasa sandbox`)
// that bench uses. Unknown fields and the other surfaces' blocks are ignored.
type sandboxFile struct {
	APIURL string `json:"api_url"`
	CAFile string `json:"ca_file"`
	Pix    struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		CertFile     string `json:"cert_file"`
		KeyFile      string `json:"key_file"`
	} `json:"pix"`
}

// readSandbox reads the sandbox description at path, which may name the file
// itself or the sandbox data directory holding sandbox.json. Relative file
// paths inside it are taken relative to the file's directory.
func readSandbox(path string) (*sandboxFile, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "sandbox.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: read sandbox: %w", err)
	}
	var sb sandboxFile
	if err := json.Unmarshal(b, &sb); err != nil {
		return nil, fmt.Errorf("bench: parse sandbox %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&sb.CAFile, &sb.Pix.CertFile, &sb.Pix.KeyFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	return &sb, nil
}

// applySandbox fills the empty connection and credential fields of o from sb.
func applySandbox(o *Options, sb *sandboxFile) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&o.URL, sb.APIURL)
	fill(&o.CAFile, sb.CAFile)
	fill(&o.CertFile, sb.Pix.CertFile)
	fill(&o.KeyFile, sb.Pix.KeyFile)
	fill(&o.ClientID, sb.Pix.ClientID)
	fill(&o.ClientSecret, sb.Pix.ClientSecret)
}
