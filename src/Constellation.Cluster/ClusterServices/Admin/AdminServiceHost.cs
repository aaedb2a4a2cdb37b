using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// Serves the admin API on one endpoint: server-attested aTLS with the node's issuer, callers holding the admin
/// credential of the cluster whose CA certificate is given (<see cref="AdminCredentialPolicy"/>).
/// </summary>
internal static class AdminServiceHost
{
    public static Task<ServiceHost> StartAsync(IPEndPoint endpoint, AdminServiceOptions admin, X509Certificate2 clusterCa, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        ServiceHost.StartAsync(
            endpoint,
            new AtlsServerTransport(new AtlsOptions { Issuer = admin.Issuer, ClientCertificateValidator = new AdminCredentialPolicy(clusterCa) }),
            loggerFactory,
            services => services.AddSingleton(admin),
            app => app.MapGrpcService<AdminServiceApi>(),
            cancellationToken);
}
