// The Metrics module; see Package.swift.
