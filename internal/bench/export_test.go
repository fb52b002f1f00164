package bench

// Exported for the black-box tests in package bench_test.
var (
	Percentile = percentile
	BucketOf   = bucketOf
	BucketMax  = bucketMax
)
