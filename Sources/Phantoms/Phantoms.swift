// The Phantoms module; see Package.swift.
