using System.Reflection;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;

namespace Constellation.Cluster.Tests;

/// <summary>A host catches one type: every exception the cluster library declares derives from <see cref="ClusterException"/>.</summary>
public class ClusterExceptionHierarchyTests
{
    [Test]
    public void Every_exception_the_cluster_library_declares_derives_from_ClusterException()
    {
        var exceptions = typeof(ClusterException).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(ClusterException) && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .ToList();

        exceptions.Should().Contain([typeof(InitFailedException), typeof(StateDiskException), typeof(JoinRequestRejectedException), typeof(KeyServiceException)]);
        exceptions.Where(t => !t.IsSubclassOf(typeof(ClusterException))).Should().BeEmpty("hosts catch ClusterException for everything the library raises on purpose");
    }

    [Test]
    public void The_messages_stay_what_they_were()
    {
        new JoinRequestRejectedException("disk_uuid", "a bound disk", "an unbound disk").Message
            .Should().Be("invalid disk_uuid: expected a bound disk, got an unbound disk");
        new StateDiskException("state disk x: no such device").Message.Should().Be("state disk x: no such device");
    }
}
