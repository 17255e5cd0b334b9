/**
 * The one-shot loopback servers the Python driver connects to (worker.md section 9).
 * {@link OneShotServer} binds an ephemeral loopback port, accepts one client within the timeout and
 * authenticates it before any data; {@link LocalIteratorServer} serves partitions on request
 * ({@code toLocalIterator}); a {@link ServeHandle} carries the port and secret for the driver and
 * the outcome of serving.
 */
package dev.kindling.engine.serve;
