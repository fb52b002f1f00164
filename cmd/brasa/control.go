package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// sandboxControl sends body as JSON to the running sandbox's control API
// (POST path, authorized with the admin token of DIR/sandbox.json, over TLS
// trusting the sandbox CA) and returns the status and the answer, indented
// when it is JSON. name prefixes the errors (the subcommand).
func sandboxControl(ctx context.Context, name, dir, path string, body any) (int, string, error) {
	sb, err := pixapi.LoadSandbox(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w (is the sandbox running with --data %s?)", name, err, dir)
	}
	caPEM, err := os.ReadFile(sb.CAFile)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", name, err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	payload, err := json.Marshal(body)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sb.APIURL+path, bytes.NewReader(payload))
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", name, err)
	}
	req.Header.Set("Authorization", "Bearer "+sb.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w (is the sandbox running?)", name, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", name, err)
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") != nil {
		pretty.Write(out)
	}
	return resp.StatusCode, pretty.String(), nil
}
