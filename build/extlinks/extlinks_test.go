package extlinks

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.Method+" "+r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/ok":
		case "/gone":
			http.NotFound(w, r)
		case "/no-head":
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusMethodNotAllowed)
			}
		case "/moved":
			http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
		case "/never":
			<-stop // never answers while the test runs
		}
	}))
	defer srv.Close()
	defer close(stop)

	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c := &Checker{Timeout: 200 * time.Millisecond, CacheFile: filepath.Join(t.TempDir(), "links.json"), Now: func() time.Time { return now }}
	urls := []string{srv.URL + "/ok", srv.URL + "/gone", srv.URL + "/no-head", srv.URL + "/moved", srv.URL + "/never", srv.URL + "/ok"}
	got, err := c.Check(t.Context(), urls)
	if err != nil {
		t.Fatal(err)
	}
	if r := got[srv.URL+"/ok"]; !r.OK() {
		t.Errorf("/ok: %+v", r)
	}
	if r := got[srv.URL+"/gone"]; r.OK() || !r.Gone() {
		t.Errorf("/gone: %+v", r)
	}
	if r := got[srv.URL+"/no-head"]; !r.OK() {
		t.Errorf("/no-head (GET after HEAD is refused): %+v", r)
	}
	if r := got[srv.URL+"/moved"]; !r.OK() {
		t.Errorf("/moved: %+v", r)
	}
	if r := got[srv.URL+"/never"]; r.OK() || r.Err != "no answer within 200ms" {
		t.Errorf("/never: %+v", r)
	}
	if asked["HEAD /ok"] != 2 { // once for /ok, once for /moved's redirect; the repeated /ok is asked once
		t.Errorf("HEAD /ok asked %d times", asked["HEAD /ok"])
	}

	// The next run, an hour later: good answers come from the cache, the
	// others are asked again.
	now = now.Add(time.Hour)
	mu.Lock()
	clear(asked)
	mu.Unlock()
	got, err = c.Check(t.Context(), urls[:2])
	if err != nil {
		t.Fatal(err)
	}
	if asked["HEAD /ok"] != 0 || asked["HEAD /gone"] != 1 || !got[srv.URL+"/ok"].OK() {
		t.Errorf("second run asked %v", asked)
	}
	// A day later the good answer is asked again.
	now = now.Add(24 * time.Hour)
	if _, err := c.Check(t.Context(), urls[:1]); err != nil {
		t.Fatal(err)
	}
	if asked["HEAD /ok"] != 1 {
		t.Errorf("a day-old answer was not asked again: %v", asked)
	}
}
