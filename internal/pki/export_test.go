package pki

// Hooks for the black-box tests in package pki_test.

// SetVerifierCacheSize sets how many leaves v remembers. Call it before v
// is used.
func SetVerifierCacheSize(v *Verifier, n int) { v.maxEntries = n }

// VerifierCacheLen returns how many leaves v remembers.
func VerifierCacheLen(v *Verifier) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.cache)
}
