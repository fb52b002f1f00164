// Package config loads brasa's one Config from defaults, an optional JSON
// file, BRASA_* environment variables and command-line flags (later sources
// win), and validates it, reporting every problem at once.
package config

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Mode is how brasa runs.
type Mode string

// The modes.
const (
	ModeServe   Mode = "serve"   // production: no demo data, no /sandbox routes
	ModeSandbox Mode = "sandbox" // local: demo tenant, payer simulator, movable clock
)

// Config is every setting of a brasa process. JSON names are the config file
// keys; each has a BRASA_<NAME> environment variable (upper case) and most a
// flag.
type Config struct {
	Mode Mode `json:"-"`

	// DataDir holds the SQLite database (unless DB says otherwise) and, in the
	// sandbox, the generated CA, certificates, master key and sandbox.json.
	DataDir string `json:"data_dir"`
	// DB is the database: empty for SQLite at DataDir/brasa.db, a file path
	// for SQLite elsewhere, or a postgres:// URL.
	DB string `json:"db"`

	// APIAddr and WebAddr are the listen addresses of the machine-to-machine
	// (mTLS) listener and of the browser/public listener.
	APIAddr string `json:"api_addr"`
	WebAddr string `json:"web_addr"`
	// APIURL and WebURL are the public base URLs (https); they default to
	// https://<addr>. WebURL is where payload locations and the JWKS live.
	APIURL string `json:"api_url"`
	WebURL string `json:"web_url"`

	// MasterKeyFile holds the 256-bit key (64 hex characters) that encrypts
	// private keys and secrets at rest. BRASA_MASTER_KEY may carry the hex
	// key itself instead.
	MasterKeyFile string `json:"master_key_file"`
	MasterKeyHex  string `json:"-"`

	// TLS certificate and key files for the listeners. When absent, brasa
	// issues them from its own CA for TLSHosts (fine for the sandbox and for
	// internal deployments whose clients trust brasa's CA).
	APITLSCert string   `json:"api_tls_cert"`
	APITLSKey  string   `json:"api_tls_key"`
	WebTLSCert string   `json:"web_tls_cert"`
	WebTLSKey  string   `json:"web_tls_key"`
	TLSHosts   []string `json:"tls_hosts"`

	// ISPB is the PSP's ISPB (endToEndId prefix); Sicredi's by default
	// (seed 000 §11).
	ISPB string `json:"ispb"`
	// TokenTTL is the access token lifetime (default 1h, seed 000 §8).
	TokenTTL Duration `json:"token_ttl"`
	// MaxBodyBytes limits request bodies (default 1 MiB); larger bodies get 413.
	MaxBodyBytes int64 `json:"max_body_bytes"`
	// RateLimit is how many requests per second one client may make to each
	// listener of this instance, on average (default 500; 0 turns the limit
	// off). A client is its TLS client certificate when the brasa CA issued
	// it, else its IP address.
	// Past it, requests get 429 with Retry-After.
	RateLimit float64 `json:"rate_limit"`
	// RateLimitBurst is how many requests a client may make at once (default
	// twice RateLimit).
	RateLimitBurst int `json:"rate_limit_burst"`

	// WebhookCAFiles are PEM files of extra CAs trusted for the webhook
	// receivers' server certificates, besides the system roots (the sandbox
	// also trusts its own CA).
	WebhookCAFiles []string `json:"webhook_ca"`
	// WebhookAllowPrivate lets webhook receivers resolve to private,
	// link-local and unique-local addresses (in serve; the sandbox always
	// does). Off by default: a webhook URL must not reach the PSP's own
	// network.
	WebhookAllowPrivate bool `json:"webhook_allow_private"`
	// WebhookDeadline is how long a webhook notification is retried
	// (default 24h).
	WebhookDeadline Duration `json:"webhook_deadline"`
	// RefundDelay is how long a devolução stays EM_PROCESSAMENTO before it
	// is settled (default 2s; "0s" settles at once).
	RefundDelay Duration `json:"refund_delay"`
	// CSRSigningDelay is how long a CSR registered in the portal stays
	// EM_PROCESSAMENTO before the CA signs it (default 2s; "0s" signs at
	// the worker's next pass).
	CSRSigningDelay Duration `json:"csr_signing_delay"`

	LogLevel  string `json:"log_level"`  // debug, info, warn, error
	LogFormat string `json:"log_format"` // json or text

	// Reset makes the sandbox delete DataDir and start over.
	Reset bool `json:"-"`
}

// Duration is a time.Duration written as "1h30m" in JSON.
type Duration time.Duration

// UnmarshalJSON reads "90s"-style strings or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var n float64
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("want a duration such as \"1h\" or seconds")
	}
	*d = Duration(n * float64(time.Second))
	return nil
}

// MarshalJSON writes d as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Defaults returns the configuration before any source is applied.
func Defaults(mode Mode) Config {
	c := Config{
		Mode:            mode,
		APIAddr:         "127.0.0.1:8443",
		WebAddr:         "127.0.0.1:8444",
		ISPB:            "01181521",
		TokenTTL:        Duration(time.Hour),
		MaxBodyBytes:    1 << 20,
		RateLimit:       500,
		WebhookDeadline: Duration(24 * time.Hour),
		RefundDelay:     Duration(2 * time.Second),
		CSRSigningDelay: Duration(2 * time.Second),
		LogLevel:        "info",
		LogFormat:       "json",
	}
	if mode == ModeSandbox {
		c.DataDir = "brasa-data"
	}
	return c
}

// Load builds the Config for mode from args (the subcommand's arguments) and
// getenv. Flags: --config FILE, --data DIR, --db DSN, --api ADDR, --web ADDR,
// --api-url, --web-url, --master-key-file, --log-level, --log-format, and
// --reset (sandbox). It returns flag.ErrHelp for -h.
func Load(mode Mode, args []string, getenv func(string) string) (*Config, error) {
	c := Defaults(mode)
	fs := flag.NewFlagSet(string(mode), flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	configFile := fs.String("config", "", "JSON configuration file")
	var f Config
	fs.StringVar(&f.DataDir, "data", "", "data directory (default "+orNone(c.DataDir)+")")
	fs.StringVar(&f.DB, "db", "", "database: empty for SQLite in the data directory, a file path, or postgres://...")
	fs.StringVar(&f.APIAddr, "api", "", "API (mTLS) listen address (default "+c.APIAddr+")")
	fs.StringVar(&f.WebAddr, "web", "", "web listen address (default "+c.WebAddr+")")
	fs.StringVar(&f.APIURL, "api-url", "", "public base URL of the API listener (default https://<api>)")
	fs.StringVar(&f.WebURL, "web-url", "", "public base URL of the web listener (default https://<web>)")
	fs.StringVar(&f.MasterKeyFile, "master-key-file", "", "file holding the 256-bit master key in hex")
	fs.StringVar(&f.LogLevel, "log-level", "", "debug, info, warn or error (default info)")
	fs.StringVar(&f.LogFormat, "log-format", "", "json or text (default json)")
	fs.Func("webhook-ca", "PEM file of an extra CA trusted for webhook receivers (repeatable)", func(v string) error {
		f.WebhookCAFiles = append(f.WebhookCAFiles, v)
		return nil
	})
	fs.BoolVar(&f.WebhookAllowPrivate, "webhook-allow-private", false, "let webhook receivers be on private or link-local addresses")
	webhookDeadline := fs.Duration("webhook-deadline", 0, "how long webhook notifications are retried (default 24h)")
	refundDelay := fs.Duration("refund-delay", 0, "how long a devolução stays EM_PROCESSAMENTO (default 2s)")
	fs.Float64Var(&f.RateLimit, "rate-limit", 0, "requests per second per client before 429 (default 500; 0 = no limit)")
	fs.IntVar(&f.RateLimitBurst, "rate-limit-burst", 0, "requests a client may make at once (default twice --rate-limit)")
	if mode == ModeSandbox {
		fs.BoolVar(&c.Reset, "reset", false, "delete the data directory and start over")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *configFile == "" {
		*configFile = getenv("BRASA_CONFIG")
	}
	if *configFile != "" {
		if err := c.loadFile(*configFile); err != nil {
			return nil, err
		}
	}
	c.loadEnv(getenv)
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "data":
			c.DataDir = f.DataDir
		case "db":
			c.DB = f.DB
		case "api":
			c.APIAddr = f.APIAddr
		case "web":
			c.WebAddr = f.WebAddr
		case "api-url":
			c.APIURL = f.APIURL
		case "web-url":
			c.WebURL = f.WebURL
		case "master-key-file":
			c.MasterKeyFile = f.MasterKeyFile
		case "log-level":
			c.LogLevel = f.LogLevel
		case "log-format":
			c.LogFormat = f.LogFormat
		case "webhook-ca":
			c.WebhookCAFiles = f.WebhookCAFiles
		case "webhook-allow-private":
			c.WebhookAllowPrivate = f.WebhookAllowPrivate
		case "webhook-deadline":
			c.WebhookDeadline = Duration(*webhookDeadline)
		case "refund-delay":
			c.RefundDelay = Duration(*refundDelay)
		case "rate-limit":
			c.RateLimit = f.RateLimit
		case "rate-limit-burst":
			c.RateLimitBurst = f.RateLimitBurst
		}
	})
	c.fill()
	return &c, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// loadFile reads a JSON file; unknown keys are an error (they are typos).
func (c *Config) loadFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	// Relative paths in the file are relative to the file.
	dir := filepath.Dir(path)
	ps := []*string{&c.DataDir, &c.MasterKeyFile, &c.APITLSCert, &c.APITLSKey, &c.WebTLSCert, &c.WebTLSKey}
	for i := range c.WebhookCAFiles {
		ps = append(ps, &c.WebhookCAFiles[i])
	}
	for _, p := range ps {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if c.DB != "" && !isPostgres(c.DB) && !filepath.IsAbs(c.DB) {
		c.DB = filepath.Join(dir, c.DB)
	}
	return nil
}

func (c *Config) loadEnv(getenv func(string) string) {
	set := func(p *string, name string) {
		if v := getenv(name); v != "" {
			*p = v
		}
	}
	set(&c.DataDir, "BRASA_DATA_DIR")
	set(&c.DB, "BRASA_DB")
	set(&c.APIAddr, "BRASA_API_ADDR")
	set(&c.WebAddr, "BRASA_WEB_ADDR")
	set(&c.APIURL, "BRASA_API_URL")
	set(&c.WebURL, "BRASA_WEB_URL")
	set(&c.MasterKeyFile, "BRASA_MASTER_KEY_FILE")
	set(&c.MasterKeyHex, "BRASA_MASTER_KEY")
	set(&c.APITLSCert, "BRASA_API_TLS_CERT")
	set(&c.APITLSKey, "BRASA_API_TLS_KEY")
	set(&c.WebTLSCert, "BRASA_WEB_TLS_CERT")
	set(&c.WebTLSKey, "BRASA_WEB_TLS_KEY")
	set(&c.ISPB, "BRASA_ISPB")
	set(&c.LogLevel, "BRASA_LOG_LEVEL")
	set(&c.LogFormat, "BRASA_LOG_FORMAT")
	if v := getenv("BRASA_WEBHOOK_ALLOW_PRIVATE"); v != "" {
		c.WebhookAllowPrivate = v == "1" || strings.EqualFold(v, "true")
	}
	if v := getenv("BRASA_WEBHOOK_CA"); v != "" {
		c.WebhookCAFiles = strings.Split(v, ",")
	}
	envDuration := func(p *Duration, name string) {
		if v := getenv(name); v != "" {
			if d, err := time.ParseDuration(v); err == nil {
				*p = Duration(d)
			} else {
				*p = -1 // reported by Validate
			}
		}
	}
	envDuration(&c.WebhookDeadline, "BRASA_WEBHOOK_DEADLINE")
	envDuration(&c.RefundDelay, "BRASA_REFUND_DELAY")
	envDuration(&c.CSRSigningDelay, "BRASA_CSR_SIGNING_DELAY")
	if v := getenv("BRASA_TLS_HOSTS"); v != "" {
		c.TLSHosts = strings.Split(v, ",")
	}
	envDuration(&c.TokenTTL, "BRASA_TOKEN_TTL")
	if v := getenv("BRASA_RATE_LIMIT"); v != "" {
		if _, err := fmt.Sscan(v, &c.RateLimit); err != nil {
			c.RateLimit = -1 // reported by Validate
		}
	}
	if v := getenv("BRASA_RATE_LIMIT_BURST"); v != "" {
		if _, err := fmt.Sscan(v, &c.RateLimitBurst); err != nil {
			c.RateLimitBurst = -1
		}
	}
	if v := getenv("BRASA_MAX_BODY_BYTES"); v != "" {
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil {
			c.MaxBodyBytes = n
		} else {
			c.MaxBodyBytes = -1
		}
	}
}

// Burst returns RateLimitBurst, or twice RateLimit (at least 1) when it is 0.
func (c *Config) Burst() int {
	if c.RateLimitBurst > 0 {
		return c.RateLimitBurst
	}
	return max(1, int(math.Ceil(2*c.RateLimit)))
}

// fill derives defaults that depend on other settings.
func (c *Config) fill() {
	if c.APIURL == "" && c.APIAddr != "" {
		c.APIURL = "https://" + c.APIAddr
	}
	if c.WebURL == "" && c.WebAddr != "" {
		c.WebURL = "https://" + c.WebAddr
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	c.WebURL = strings.TrimRight(c.WebURL, "/")
	if len(c.TLSHosts) == 0 {
		seen := map[string]bool{}
		for _, u := range []string{c.APIURL, c.WebURL} {
			if pu, err := url.Parse(u); err == nil && pu.Hostname() != "" && !seen[pu.Hostname()] {
				seen[pu.Hostname()] = true
				c.TLSHosts = append(c.TLSHosts, pu.Hostname())
			}
		}
		if c.Mode == ModeSandbox {
			for _, h := range []string{"127.0.0.1", "localhost"} {
				if !seen[h] {
					c.TLSHosts = append(c.TLSHosts, h)
				}
			}
		}
	}
	if c.Mode == ModeSandbox && c.MasterKeyFile == "" && c.MasterKeyHex == "" && c.DataDir != "" {
		c.MasterKeyFile = filepath.Join(c.DataDir, "master.key")
	}
}

// SQLitePath returns the SQLite file to use, or "" when DB is PostgreSQL.
func (c *Config) SQLitePath() string {
	if isPostgres(c.DB) {
		return ""
	}
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "brasa.db")
}

// IsPostgres reports whether the database is PostgreSQL.
func (c *Config) IsPostgres() bool { return isPostgres(c.DB) }

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Problems is the list of everything wrong with a Config.
type Problems []string

// Error lists the problems, one per line.
func (p Problems) Error() string {
	return "config: " + fmt.Sprint(len(p)) + " problem(s):\n  - " + strings.Join(p, "\n  - ")
}

// Validate reports every problem of c at once, as Problems. In serve mode it
// also refuses unsafe settings: a missing or world-readable master key,
// plain-HTTP public URLs, a PostgreSQL connection without TLS to another host,
// a half-configured listener certificate.
func (c *Config) Validate() error {
	var p Problems
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	for _, a := range []struct{ name, addr string }{{"api_addr", c.APIAddr}, {"web_addr", c.WebAddr}} {
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			add("%s %q is not host:port", a.name, a.addr)
		}
	}
	if c.APIAddr != "" && c.APIAddr == c.WebAddr && !strings.HasSuffix(c.APIAddr, ":0") {
		add("api_addr and web_addr must differ (both %s)", c.APIAddr)
	}
	for _, u := range []struct{ name, url string }{{"api_url", c.APIURL}, {"web_url", c.WebURL}} {
		pu, err := url.Parse(u.url)
		if err != nil || pu.Scheme != "https" || pu.Host == "" {
			add("%s %q must be an https:// URL", u.name, u.url)
		}
	}
	// Payload locations are <web host and path>/qr/v2/cobv/<32 hex> without
	// the scheme, at most 77 characters (spec; BR Code field 26-25).
	if base := strings.TrimPrefix(c.WebURL, "https://"); len(base)+len("/qr/v2/cobv/")+32 > 77 {
		add("web_url %q is too long: payload locations (%s/qr/v2/cobv/<32 characters>) must fit the spec's 77 characters; use a host of at most 33 characters", c.WebURL, base)
	}
	if len(c.ISPB) != 8 || strings.Trim(c.ISPB, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		add("ispb %q must be 8 characters of [0-9A-Z]", c.ISPB)
	}
	if ttl := time.Duration(c.TokenTTL); ttl < time.Minute || ttl > 24*time.Hour {
		add("token_ttl must be between 1m and 24h")
	}
	if d := time.Duration(c.WebhookDeadline); d < time.Second || d > 30*24*time.Hour {
		add("webhook_deadline must be between 1s and 720h")
	}
	if d := time.Duration(c.RefundDelay); d < 0 || d > 24*time.Hour {
		add("refund_delay must be between 0s and 24h")
	}
	if d := time.Duration(c.CSRSigningDelay); d < 0 || d > 24*time.Hour {
		add("csr_signing_delay must be between 0s and 24h")
	}
	for _, f := range c.WebhookCAFiles {
		if _, err := os.Stat(f); err != nil {
			add("webhook_ca: %v", err)
		}
	}
	if c.RateLimit < 0 || math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) {
		add("rate_limit must be a number of requests per second, 0 for no limit")
	}
	if c.RateLimitBurst < 0 {
		add("rate_limit_burst must be 0 (twice rate_limit) or more")
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 64<<20 {
		add("max_body_bytes must be between 1024 and 67108864")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log_level %q must be debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		add("log_format %q must be json or text", c.LogFormat)
	}
	if c.DataDir == "" && c.DB == "" && c.Mode != ModeServe { // serve says it below
		add("db is required (a SQLite file path or a postgres:// URL), or data_dir for the default SQLite file")
	}
	if c.IsPostgres() {
		if pu, err := url.Parse(c.DB); err != nil {
			add("db is not a valid PostgreSQL URL")
		} else if c.Mode == ModeServe && pu.Query().Get("sslmode") == "disable" && !isLoopback(pu.Hostname()) {
			add("db: sslmode=disable to a non-loopback host (%s) sends credentials and data in clear text", pu.Hostname())
		}
	}
	for _, pair := range []struct{ name, cert, key string }{{"api", c.APITLSCert, c.APITLSKey}, {"web", c.WebTLSCert, c.WebTLSKey}} {
		if (pair.cert == "") != (pair.key == "") {
			add("%s_tls_cert and %s_tls_key go together", pair.name, pair.name)
		}
		for _, f := range []string{pair.cert, pair.key} {
			if f != "" {
				if _, err := os.Stat(f); err != nil {
					add("%s: %v", pair.name+" TLS file", err)
				}
			}
		}
	}
	if c.Mode == ModeServe {
		if c.DB == "" {
			add("db is required in serve mode (a SQLite file path or a postgres:// URL)")
		}
		switch {
		case c.MasterKeyHex != "":
			if k, err := hex.DecodeString(strings.TrimSpace(c.MasterKeyHex)); err != nil || len(k) != 32 {
				add("BRASA_MASTER_KEY must be 64 hex characters (256 bits)")
			}
		case c.MasterKeyFile == "":
			add("master_key_file (or BRASA_MASTER_KEY) is required: it encrypts private keys at rest; create one with `brasa keygen --out FILE`")
		default:
			if fi, err := os.Stat(c.MasterKeyFile); err != nil {
				add("master_key_file: %v", err)
			} else if fi.Mode().Perm()&0o077 != 0 {
				add("master_key_file %s is readable by group or others (mode %v); chmod 600 it", c.MasterKeyFile, fi.Mode().Perm())
			}
		}
		if c.APITLSCert == "" && len(c.TLSHosts) == 0 {
			add("tls_hosts (or api_tls_cert/api_tls_key) is required to serve TLS")
		}
	}
	if len(p) > 0 {
		return p
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" || host == "" || strings.HasPrefix(host, "/") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
