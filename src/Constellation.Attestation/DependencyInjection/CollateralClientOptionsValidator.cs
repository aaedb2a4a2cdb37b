using Constellation.Attestation.Collateral;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>Checks <see cref="CollateralClientOptions"/> when the host starts, with the rules <see cref="CollateralClients"/> applies.</summary>
internal sealed class CollateralClientOptionsValidator : IValidateOptions<CollateralClientOptions>
{
    public ValidateOptionsResult Validate(string? name, CollateralClientOptions options) =>
        CollateralClients.FindProblem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
