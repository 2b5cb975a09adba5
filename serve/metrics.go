package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the server's Prometheus metrics, registered on their own
// registry (Registry) so that several servers (tests) never collide.
type Metrics struct {
	Registry *prometheus.Registry
	// Requests counts answered requests by route pattern and status code.
	Requests *prometheus.CounterVec
	// Duration is the request duration in seconds by route pattern.
	Duration *prometheus.HistogramVec
	// QueueDepth is the number of sentences waiting in the batcher.
	QueueDepth prometheus.Gauge
	// BatchSize is the number of sentences in each batch searched.
	BatchSize prometheus.Histogram
	// Sentences counts the sentences translated (searched), TargetTokens
	// the tokens of their best hypotheses.
	Sentences    prometheus.Counter
	TargetTokens prometheus.Counter
}

// NewMetrics returns the metrics, registered on a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "s2s_requests_total", Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "code"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "s2s_request_duration_seconds", Help: "HTTP request duration in seconds, by route.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"route"}),
		QueueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "s2s_queue_sentences", Help: "Sentences waiting in the batcher's queue.",
		}),
		BatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "s2s_batch_sentences", Help: "Sentences per batch searched.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
		}),
		Sentences: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "s2s_sentences_translated_total", Help: "Sentences translated.",
		}),
		TargetTokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "s2s_target_tokens_total", Help: "Target tokens of the best hypotheses translated.",
		}),
	}
	m.Registry.MustRegister(m.Requests, m.Duration, m.QueueDepth, m.BatchSize, m.Sentences, m.TargetTokens,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
