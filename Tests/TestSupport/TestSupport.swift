// The suites that use this target's child processes also use the testing kit; one import brings both.
@_exported import TelegateTesting
