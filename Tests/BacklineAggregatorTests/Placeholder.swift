// Replaced by the aggregator's tests.
