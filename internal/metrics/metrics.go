// Package metrics holds the worker's Prometheus metrics on a registry of
// its own (no global default registry), for the /metrics endpoint an
// autoscaler scrapes (README, "Metrics").
//
// Label values are bounded: entity and operation names come from the
// catalogue (anything else is "unknown"), never sids or payloads. The
// recording methods sit on the task and request paths, so each resolves
// its labelled child once and caches it: a hit is a read-locked map
// lookup with a comparable key, no allocation.
package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

const ns = "twilio_worker"

// Metrics records the worker's metrics. Build it with New; a nil
// *Metrics records nothing, so callers need not check.
type Metrics struct {
	Registry *prometheus.Registry

	tasks         *prometheus.CounterVec
	taskDuration  *prometheus.HistogramVec
	tasksInflight prometheus.Gauge
	requests      *prometheus.CounterVec
	reqDuration   *prometheus.HistogramVec
	budgetWait    prometheus.Histogram
	retries       *prometheus.CounterVec
	storeOps      *prometheus.CounterVec

	taskCounters   cache[taskKey, prometheus.Counter]
	taskObservers  cache[opKey, prometheus.Observer]
	reqCounters    cache[reqKey, prometheus.Counter]
	reqObservers   cache[string, prometheus.Observer]
	retryCounters  cache[string, prometheus.Counter]
	storeCounters  cache[opKey, prometheus.Counter]
	knownEntity    map[string]bool
	knownOperation map[string]bool
}

// New registers the worker's metrics, and the Go and process collectors,
// on a new registry. entities lists the entity and action names that may
// label tasks.
func New(entities []string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		tasks: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "tasks_total",
			Help: "Tasks answered (results published or about to be), by entity, operation, status and error code."},
			[]string{"entity", "operation", "status", "code"}),
		taskDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "task_duration_seconds",
			Help:    "Time from a task's start to its result, by entity and operation.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}},
			[]string{"entity", "operation"}),
		tasksInflight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "tasks_inflight",
			Help: "Tasks being handled now."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "twilio_requests_total",
			Help: `Requests sent to Twilio, by method and HTTP status ("error" when no answer came).`},
			[]string{"method", "status"}),
		reqDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "twilio_request_duration_seconds",
			Help:    "Time from a request leaving the rate limiter to Twilio's response headers.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
			[]string{"method"}),
		budgetWait: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "budget_wait_seconds",
			Help:    "Time a request waited for its token of the rate budget.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "retries_total",
			Help: "Twilio requests sent again by the worker, by reason."}, []string{"reason"}),
		storeOps: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "task_store_operations_total",
			Help: "Task store calls, by operation and result (ok, lease_lost, error)."}, []string{"op", "result"}),
		knownEntity: map[string]bool{},
		knownOperation: map[string]bool{"LIST": true, "GET": true, "CREATE": true, "UPDATE": true,
			"DELETE": true, "ACTION": true},
	}
	for _, e := range entities {
		m.knownEntity[e] = true
	}
	reg.MustRegister(m.tasks, m.taskDuration, m.tasksInflight, m.requests, m.reqDuration, m.budgetWait,
		m.retries, m.storeOps)
	return m
}

// GaugeFunc registers a gauge read from f at each scrape (the budget in
// force, the requests in flight), so nothing on the hot path updates it.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: name, Help: help}, f))
}

type taskKey struct{ entity, operation, status, code string }
type opKey struct{ a, b string }
type reqKey struct {
	method string
	status int
}

// TaskStarted and TaskDone bracket a task.
func (m *Metrics) TaskStarted() {
	if m != nil {
		m.tasksInflight.Inc()
	}
}

// TaskDone counts a task's outcome; code is "" on success.
func (m *Metrics) TaskDone(entity, operation, status, code string, d time.Duration) {
	if m == nil {
		return
	}
	m.tasksInflight.Dec()
	if !m.knownEntity[entity] {
		entity = "unknown"
	}
	if !m.knownOperation[operation] {
		operation = "unknown"
	}
	k := taskKey{entity, operation, status, code}
	m.taskCounters.get(k, func() prometheus.Counter {
		return m.tasks.WithLabelValues(entity, operation, status, code)
	}).Inc()
	m.taskObservers.get(opKey{entity, operation}, func() prometheus.Observer {
		return m.taskDuration.WithLabelValues(entity, operation)
	}).Observe(d.Seconds())
}

// TwilioRequest counts one request that left the limiter: status is the
// HTTP status, or 0 when no answer came.
func (m *Metrics) TwilioRequest(method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	switch method {
	case "GET", "POST", "DELETE":
	default:
		method = "other"
	}
	m.reqCounters.get(reqKey{method, status}, func() prometheus.Counter {
		s := "error"
		if status > 0 {
			s = strconv.Itoa(status)
		}
		return m.requests.WithLabelValues(method, s)
	}).Inc()
	m.reqObservers.get(method, func() prometheus.Observer {
		return m.reqDuration.WithLabelValues(method)
	}).Observe(d.Seconds())
}

// BudgetWait records how long a request waited for its token.
func (m *Metrics) BudgetWait(d time.Duration) {
	if m != nil {
		m.budgetWait.Observe(d.Seconds())
	}
}

// Retry counts a request sent again; reason is one of a few fixed words.
func (m *Metrics) Retry(reason string) {
	if m != nil {
		m.retryCounters.get(reason, func() prometheus.Counter { return m.retries.WithLabelValues(reason) }).Inc()
	}
}

// StoreOp counts a task store call.
func (m *Metrics) StoreOp(op, result string) {
	if m != nil {
		m.storeCounters.get(opKey{op, result}, func() prometheus.Counter {
			return m.storeOps.WithLabelValues(op, result)
		}).Inc()
	}
}

// cache maps bounded label values to their resolved child.
type cache[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (c *cache[K, V]) get(k K, make func() V) V {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[k]; ok {
		return v
	}
	if c.m == nil {
		c.m = map[K]V{}
	}
	v = make()
	c.m[k] = v
	return v
}
