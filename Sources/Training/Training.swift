// The Training module; see Package.swift.
