package judge

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// Cache keeps judge scores in a JSONL file, one {"key","score"} object a line, appended
// as scores arrive so an interrupted run keeps what it paid for. A nil *Cache caches
// nothing.
type Cache struct {
	mu   sync.Mutex
	path string
	m    map[string]float64
	f    *os.File
}

type cacheLine struct {
	Key   string  `json:"key"`
	Score float64 `json:"score"`
}

// OpenCache loads the cache at path, creating it on the first Put. Unreadable lines
// (a run killed mid-write) are skipped.
func OpenCache(path string) (*Cache, error) {
	c := &Cache{path: path, m: map[string]float64{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open judge cache: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l cacheLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Key != "" {
			c.m[l.Key] = l.Score
		}
	}
	return c, sc.Err()
}

// Len is the number of cached scores.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Get returns a cached score.
func (c *Cache) Get(key string) (float64, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[key]
	return s, ok
}

// Put stores a score and appends it to the file.
func (c *Cache) Put(key string, score float64) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = score
	if c.path == "" {
		return nil
	}
	if c.f == nil {
		f, err := os.OpenFile(c.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		c.f = f
	}
	b, _ := json.Marshal(cacheLine{Key: key, Score: score})
	_, err := c.f.Write(append(b, '\n'))
	return err
}

// Close closes the cache file.
func (c *Cache) Close() error {
	if c == nil || c.f == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.f.Close()
	c.f = nil
	return err
}
