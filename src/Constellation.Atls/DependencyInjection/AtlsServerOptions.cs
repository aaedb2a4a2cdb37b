using System;

namespace Constellation.Atls.DependencyInjection;

/// <summary>The server-side aTLS options registered by <see cref="AtlsServiceCollectionExtensions.AddAtlsServer"/>.</summary>
public sealed class AtlsServerOptions
{
    /// <summary>Wraps options.</summary>
    /// <param name="options">The aTLS options (issuer, and validators when clients must attest).</param>
    public AtlsServerOptions(AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>Gets the aTLS options.</summary>
    public AtlsOptions Options { get; }
}
