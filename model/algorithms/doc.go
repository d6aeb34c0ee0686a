// Package algorithms is the catalogue of snapcheck's built-in snapshot
// algorithms, by the names a configuration's "algorithm" field uses. It
// imports model and the packages of algorithms written against model's
// public interface only; the explorer knows none of them.
package algorithms
