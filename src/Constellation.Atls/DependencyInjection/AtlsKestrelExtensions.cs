using System;
using Constellation.Atls.AspNetCore;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Atls.DependencyInjection;

/// <summary>Kestrel endpoints that take their aTLS settings from the container.</summary>
public static class AtlsKestrelExtensions
{
    /// <summary>Serves this endpoint over aTLS with the options registered by <see cref="AtlsServiceCollectionExtensions.AddAtlsServer"/>.</summary>
    /// <param name="listenOptions">The Kestrel endpoint.</param>
    /// <returns>The endpoint, for chaining.</returns>
    public static ListenOptions UseAtls(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var options = listenOptions.ApplicationServices.GetService<AtlsServerOptions>()
            ?? throw new InvalidOperationException("aTLS: call services.AddAtlsServer(...) before ListenOptions.UseAtls()");
        return listenOptions.UseAtls(options.Options);
    }
}
