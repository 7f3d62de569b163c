import ConfigurationDocument

/// A problem with the configuration file or its values, described without secret values. Declared next to the YAML
/// reader, which throws it too; named here so callers of the configuration API need no other import.
public typealias ConfigurationError = ConfigurationDocument.ConfigurationError
