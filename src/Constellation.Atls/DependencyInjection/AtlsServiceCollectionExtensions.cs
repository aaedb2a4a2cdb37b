using System;
using System.Collections.Generic;
using System.Linq;
using Constellation.Atls.Diagnostics;
using Constellation.Atls.Http;
using Constellation.Attestation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Constellation.Atls.DependencyInjection;

/// <summary>Registers aTLS clients and servers in a dependency-injection container.</summary>
/// <remarks>
/// Validators and issuers come from the container: register them first, e.g. with
/// <c>services.AddConstellationAttestation(configuration.GetSection("Constellation:Attestation"))</c> for the
/// validator and <c>services.AddSingleton&lt;IAttestationIssuer&gt;(...)</c> for the issuer.
/// </remarks>
public static class AtlsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a named <see cref="System.Net.Http.HttpClient"/> (through <c>IHttpClientFactory</c>) whose every
    /// new connection is an aTLS connection with a fresh nonce, validated by the container's
    /// <see cref="IAttestationValidator"/>s. When an <see cref="IAttestationIssuer"/> is registered too, the client
    /// also attests itself to servers that ask (mutual aTLS). Handshakes are recorded in the container's
    /// <see cref="AtlsMetrics"/> (registered here if missing).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client name for <c>IHttpClientFactory.CreateClient(name)</c>.</param>
    /// <param name="configure">Adjusts the options built from the container (timeouts, ALPN); optional.</param>
    /// <returns>The client builder, for further configuration (timeouts, resilience handlers).</returns>
    public static IHttpClientBuilder AddAtlsClient(this IServiceCollection services, string name, Func<AtlsOptions, AtlsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.TryAddSingleton<AtlsMetrics>();
        return services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(provider => new AtlsHttpMessageHandler(Apply(ClientOptions(provider), configure)));
    }

    /// <summary>
    /// Registers the server-side <see cref="AtlsServerOptions"/> built from the container's
    /// <see cref="IAttestationIssuer"/> (required) and, when <paramref name="validateClients"/> is set, its
    /// <see cref="IAttestationValidator"/>s (client-attested or mutual mode). Use it on a Kestrel endpoint with
    /// <see cref="AspNetCore.AtlsListenOptionsExtensions.UseAtls(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions, AtlsOptions)"/>
    /// passing <c>listen.ApplicationServices.GetRequiredService&lt;AtlsServerOptions&gt;().Options</c>, or with
    /// <see cref="AtlsKestrelExtensions.UseAtls(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions)"/>.
    /// Handshakes are recorded in the container's <see cref="AtlsMetrics"/> (registered here if missing).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="validateClients">Whether clients must present an attested certificate.</param>
    /// <param name="configure">Adjusts the options built from the container; optional.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddAtlsServer(this IServiceCollection services, bool validateClients = false, Func<AtlsOptions, AtlsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<AtlsMetrics>();
        services.TryAddSingleton(provider =>
        {
            var issuer = provider.GetService<IAttestationIssuer>()
                ?? throw new InvalidOperationException("aTLS server: no IAttestationIssuer is registered; register the issuer of this machine's attestation variant before AddAtlsServer.");
            var validators = validateClients ? Validators(provider) : Array.Empty<IAttestationValidator>();
            if (validateClients && validators.Length == 0)
            {
                throw new InvalidOperationException("aTLS server: validateClients is set but no IAttestationValidator is registered (e.g. AddConstellationAttestation).");
            }

            return new AtlsServerOptions(Apply(new AtlsOptions { Issuer = issuer, Validators = validators, Metrics = provider.GetRequiredService<AtlsMetrics>() }, configure));
        });
        return services;
    }

    private static AtlsOptions ClientOptions(IServiceProvider provider)
    {
        var validators = Validators(provider);
        if (validators.Length == 0)
        {
            throw new InvalidOperationException("aTLS client: no IAttestationValidator is registered; register one (e.g. AddConstellationAttestation) before resolving an aTLS HttpClient.");
        }

        return new AtlsOptions { Validators = validators, Issuer = provider.GetService<IAttestationIssuer>(), Metrics = provider.GetRequiredService<AtlsMetrics>() };
    }

    private static IAttestationValidator[] Validators(IServiceProvider provider) =>
        provider.GetServices<IAttestationValidator>().ToArray();

    private static AtlsOptions Apply(AtlsOptions options, Func<AtlsOptions, AtlsOptions>? configure) =>
        configure is null ? options : configure(options) ?? throw new InvalidOperationException("aTLS: the configure callback returned null");
}
