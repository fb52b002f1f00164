package sisgruhttp_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api/sisgruhttp"
	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

// benchUG is the UG of the benchmark's GRUs.
const benchUG = "158461"

// benchStored returns how many GRUs the benchmark stores: 1,000,000, or
// BRASA_SISGRU_BENCH_N.
func benchStored() int {
	if n, err := strconv.Atoi(os.Getenv("BRASA_SISGRU_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// benchDB opens the benchmark's database: PostgreSQL when
// BRASA_SISGRU_BENCH_DB is a postgres:// URL, else SQLite at that path (kept
// between runs, so the million GRUs are generated once) or in a temporary
// directory. It stores the GRUs if the database has fewer.
func benchDB(b *testing.B, n int) *store.DB {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("BRASA_SISGRU_BENCH_DB")
	var db *store.DB
	var err error
	if strings.HasPrefix(path, "postgres://") {
		db, err = postgres.Open(ctx, path)
	} else {
		if path == "" {
			path = filepath.Join(b.TempDir(), "brasa.db")
		}
		db, err = sqlite.Open(ctx, path)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	have, err := db.CountGRUs(ctx, ugQuery(benchUG))
	if err != nil {
		b.Fatal(err)
	}
	if have >= int64(n) {
		return db
	}
	// A year of GRUs of one UG (about 2,700 a day), as of a fixed now.
	at := time.Date(2026, 3, 25, 18, 0, 0, 0, sisgru.Brasilia)
	to := sisgru.DateOf(at)
	gen := sisgru.NewGenerator(uint64(time.Now().UnixNano()), []string{benchUG}, to.AddDays(-364), to, at)
	start := time.Now()
	for done := int(have); done < n; {
		grus, pags := gen.Batch(min(20_000, n-done))
		if err := db.InsertGRUs(ctx, grus, pags); err != nil {
			b.Fatal(err)
		}
		done += len(grus)
	}
	b.Logf("stored %d GRUs (and their pagamentos) on %s in %v", n-int(have), db.Engine(), time.Since(start).Round(time.Millisecond))
	return db
}

func ugQuery(ug string) *sisgru.Query {
	f := sisgru.GRUs.LeafByPath("ugArrecadadora")
	v := sisgru.Value{S: ug}
	return &sisgru.Query{Conds: []sisgru.Cond{{Leaf: f.Index, Kind: f.Kind, Lo: v, Hi: v}}}
}

// vm returns VmRSS and VmHWM (peak) of this process in bytes, from
// /proc/self/status (Linux).
func vm() (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p *int64
		switch {
		case strings.HasPrefix(sc.Text(), "VmRSS:"):
			p = &rss
		case strings.HasPrefix(sc.Text(), "VmHWM:"):
			p = &hwm
		default:
			continue
		}
		fs := strings.Fields(sc.Text())
		kb, _ := strconv.ParseInt(fs[1], 10, 64)
		*p = kb << 10
	}
	return rss, hwm
}

// resetPeak resets VmHWM to the current RSS (Linux 4.0+).
func resetPeak() bool { return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil }

// BenchmarkListPage measures a page of GRUs through the real handler (over
// plain HTTP on loopback, Basic authentication with its verification
// cached, gzip on), from BRASA_SISGRU_BENCH_N (default 1,000,000) stored GRUs
// of one UG. Reported: ms to the last byte, the compressed and XML sizes,
// the process's peak RSS growth during the requests (Linux), and the
// allocations per page. Pages: the first and one at offset 500,000 of the
// whole UG (1M matching: the count and the seek come from the counters),
// and the first of a 30-day range.
func BenchmarkListPage(b *testing.B) {
	n := benchStored()
	db := benchDB(b, n)
	hash, _ := sisgru.HashPassword("bench")
	ctx := context.Background()
	if err := db.CreateSIAFIUser(ctx, &sisgru.User{CPF: "52998224725", PasswordHash: hash, UGs: []string{benchUG}, Status: sisgru.UserActive}); err != nil && !strings.Contains(err.Error(), "exists") {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	sisgruhttp.New(sisgruhttp.Deps{Log: slog.New(slog.DiscardHandler), Store: db, Auth: sisgru.NewAuthenticator(db, time.Now), BaseURL: srv.URL}).Register(mux)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	authz := basic("52998224725", "bench")

	for _, size := range []int{1000, 30000} {
		for _, c := range []struct{ name, q, offset string }{
			{"ug", "ugArrecadadora=" + benchUG, "0"},
			{"ug-offset500k", "ugArrecadadora=" + benchUG, strconv.Itoa(min(500_000, n/2))},
			{"ug-30days", "ugArrecadadora=" + benchUG + "&dtEmissao=24/02/2026-25/03/2026", "0"},
		} {
			b.Run(fmt.Sprintf("page=%d/%s", size, c.name), func(b *testing.B) {
				u := srv.URL + sisgruhttp.Prefix + "/grus?q=" + url.QueryEscape(c.q) + "&page_size=" + strconv.Itoa(size) + "&offset=" + c.offset
				get := func() (gz, total int64) {
					req, _ := http.NewRequest("GET", u, nil)
					req.Header.Set("Authorization", authz)
					req.Header.Set("Accept-Encoding", "gzip")
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					defer resp.Body.Close()
					if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
						body, _ := io.ReadAll(resp.Body)
						b.Fatalf("%d %s", resp.StatusCode, body)
					}
					gz, _ = io.Copy(io.Discard, resp.Body)
					total, _ = strconv.ParseInt(resp.Header.Get("X-Total-Count"), 10, 64)
					return gz, total
				}
				get() // warm: the password's verification, the caches
				runtime.GC()
				debug.FreeOSMemory()
				rss0, _ := vm()
				peakOK := resetPeak()
				b.ReportAllocs()
				var gz, total int64
				b.ResetTimer()
				for b.Loop() {
					gz, total = get()
				}
				b.StopTimer()
				_, hwm := vm()
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
				b.ReportMetric(float64(gz)/1024, "gzKiB")
				b.ReportMetric(float64(total), "X-Total-Count")
				if peakOK && hwm > 0 {
					b.ReportMetric(float64(hwm-rss0)/(1<<20), "peakRSS+MiB")
				}
			})
		}
	}
}

// BenchmarkCount measures X-Total-Count for the GRUs of one UG (all
// BRASA_SISGRU_BENCH_N of them): from the counters (the store's way) and,
// for comparison, COUNT(*) over the matching index entries.
func BenchmarkCount(b *testing.B) {
	n := benchStored()
	db := benchDB(b, n)
	ctx := context.Background()
	q := ugQuery(benchUG)
	b.Run("counters", func(b *testing.B) {
		for b.Loop() {
			if got, err := db.CountGRUs(ctx, q); err != nil || got < int64(n) {
				b.Fatal(got, err)
			}
		}
	})
	b.Run("counters-30days", func(b *testing.B) {
		qq := *q
		f := sisgru.GRUs.LeafByPath("dtEmissao")
		qq.Conds = append(qq.Conds[:1:1], sisgru.Cond{Leaf: f.Index, Kind: f.Kind, Lo: sisgru.Value{N: 20260224}, Hi: sisgru.Value{N: 20260325}, FromDay: 20260224, ToDay: 20260325})
		for b.Loop() {
			if _, err := db.CountGRUs(ctx, &qq); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		// A condition the counters do not keep (vlTotal >= 0, true of every
		// GRU) makes the store count the matching rows.
		qq := *q
		f := sisgru.GRUs.LeafByPath("vlTotal")
		qq.Conds = append(qq.Conds[:1:1], sisgru.Cond{Leaf: f.Index, Kind: f.Kind, Lo: sisgru.Value{N: 0}, Hi: sisgru.Value{N: 1 << 62}})
		for b.Loop() {
			if got, err := db.CountGRUs(ctx, &qq); err != nil || got < int64(n) {
				b.Fatal(got, err)
			}
		}
	})
}

// BenchmarkXML measures writing GRUs as XML, without storage or network.
func BenchmarkXML(b *testing.B) {
	grus, _ := sisgru.NewGenerator(1, []string{benchUG}, 20260301, 20260325, time.Date(2026, 3, 25, 18, 0, 0, 0, sisgru.Brasilia)).Batch(1000)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		for i := range grus {
			buf.Write(sisgruhttp.AppendItem(nil, sisgru.GRUs, sisgru.GRUs.Fields, &grus[i]))
		}
	}
	b.ReportMetric(float64(buf.Len())/1000, "bytes/gru")
}
