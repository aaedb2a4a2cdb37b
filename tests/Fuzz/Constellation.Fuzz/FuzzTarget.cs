namespace Constellation.Fuzz;

/// <summary>
/// One fuzz target: a parser fed with the fuzzer's bytes. <see cref="Run"/> swallows only the typed exceptions the
/// parser documents (our <c>AttestationException</c> hierarchy); anything else escapes and is a crash.
/// </summary>
/// <param name="Name">The command-line name (also the afl output and crash directory name).</param>
/// <param name="Description">What is parsed, and through which entry point.</param>
/// <param name="Run">Feeds one input to the parser.</param>
public sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run);
