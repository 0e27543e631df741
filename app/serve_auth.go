package app

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// users are the accounts of an --auth-file, checked with HTTP Basic
// authentication. A bcrypt check costs tens of milliseconds by design, and
// a page with its style sheet and script asks several times: a password
// that passed is remembered for a few minutes, as an HMAC under a key made
// for this process, never as itself.
type users struct {
	hashes map[string][]byte
	// dummy is checked for an unknown user, so that an unknown user costs
	// what a known one does and the time tells nothing.
	dummy []byte

	key    [32]byte
	mu     sync.Mutex
	passed map[[32]byte]time.Time // when each remembered check expires
	// bcrypts counts the bcrypt comparisons made, for tests.
	bcrypts atomic.Int64
}

// rememberPassed is how long a password that passed is taken without
// another bcrypt check; maxPassed bounds how many are remembered.
const (
	rememberPassed = 5 * time.Minute
	maxPassed      = 1024
)

// parseUsers reads an --auth-file: one user:hash a line, the hash in
// bcrypt form ($2a$, $2b$ or $2y$, as htpasswd -B writes it); blank lines
// and lines starting with # are skipped. The error names the line.
func parseUsers(r io.Reader) (*users, error) {
	u := &users{hashes: map[string][]byte{}, passed: map[[32]byte]time.Time{}}
	sc := bufio.NewScanner(r)
	n := 0
	cost := bcrypt.DefaultCost
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("line %d: not user:bcrypt-hash", n)
		}
		c, err := bcrypt.Cost([]byte(hash))
		if err != nil || !strings.HasPrefix(hash, "$2") {
			return nil, fmt.Errorf("line %d: the hash of %s is not bcrypt (make one with htpasswd -B)", n, strconv.Quote(name))
		}
		if _, dup := u.hashes[name]; dup {
			return nil, fmt.Errorf("line %d: %s is there twice", n, strconv.Quote(name))
		}
		u.hashes[name] = []byte(hash)
		cost = c
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(u.hashes) == 0 {
		return nil, fmt.Errorf("no user in it")
	}
	if _, err := rand.Read(u.key[:]); err != nil {
		return nil, err
	}
	dummy, err := bcrypt.GenerateFromPassword(u.key[:16], cost)
	if err != nil {
		return nil, err
	}
	u.dummy = dummy
	return u, nil
}

// check reports whether name and password are an account's.
func (u *users) check(name, password string, now time.Time) bool {
	mac := hmac.New(sha256.New, u.key[:])
	mac.Write([]byte(name))
	mac.Write([]byte{0})
	mac.Write([]byte(password))
	var sum [32]byte
	copy(sum[:], mac.Sum(nil))
	u.mu.Lock()
	until, ok := u.passed[sum]
	u.mu.Unlock()
	if ok && now.Before(until) {
		return true
	}
	hash, known := u.hashes[name]
	if !known {
		hash = u.dummy
	}
	u.bcrypts.Add(1)
	ok = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && known
	if ok {
		u.mu.Lock()
		if len(u.passed) >= maxPassed {
			clear(u.passed)
		}
		u.passed[sum] = now.Add(rememberPassed)
		u.mu.Unlock()
	}
	return ok
}
