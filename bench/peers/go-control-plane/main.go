// Command go-control-plane-peer serves the Weft xDS benchmark workloads with
// envoyproxy/go-control-plane (SnapshotCache + its ADS server), driven by the same
// JSON-lines protocol on stdin/stdout as bench/xds/our-server.ts:
//
//	{"cmd":"load","workload":"mesh"|"grpc","services":N}
//	{"cmd":"endpoint","service":k,"shift":s}
//	{"cmd":"route","service":k,"timeout":t}
//	{"cmd":"mem"}
//	{"cmd":"exit"}
//
// Replies to endpoint and route carry receivedAtMs: CLOCK_MONOTONIC in ms when the command's
// line was read, before it is parsed (the same clock and the same point as our-server.ts).
//
// Resource shapes mirror bench/xds/workload.ts. Envoy-shaped nodes (cluster "mesh") share one
// snapshot; gRPC-shaped nodes (id "grpc-i") get a snapshot holding only service i, because
// SnapshotCache in ADS mode ignores named requests that do not name every resource of a type.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"golang.org/x/sys/unix"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

type nodeHash struct{}

func (nodeHash) ID(node *corev3.Node) string {
	if node == nil {
		return ""
	}
	if node.GetCluster() == "mesh" {
		return "mesh"
	}
	return node.GetId()
}

type command struct {
	Cmd      string `json:"cmd"`
	Workload string `json:"workload"`
	Services int    `json:"services"`
	Service  int    `json:"service"`
	Shift    uint32 `json:"shift"`
	Timeout  int64  `json:"timeout"`
}

type state struct {
	workload  string
	services  int
	portShift map[int]uint32
	timeouts  map[int]int64
	version   int
}

func name(i int) string { return "svc-" + strconv.Itoa(i) }

func mustAny(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(err)
	}
	return a
}

func adsSource() *corev3.ConfigSource {
	return &corev3.ConfigSource{ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}}, ResourceApiVersion: corev3.ApiVersion_V3}
}

func makeCluster(i int) types.Resource {
	return &clusterv3.Cluster{
		Name:                 name(i),
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS},
		EdsClusterConfig:     &clusterv3.Cluster_EdsClusterConfig{EdsConfig: adsSource(), ServiceName: name(i)},
		ConnectTimeout:       durationpb.New(time.Second),
		LbPolicy:             clusterv3.Cluster_ROUND_ROBIN,
	}
}

func makeCLA(i int, shift uint32) types.Resource {
	eps := make([]*endpointv3.LbEndpoint, 0, 10)
	for j := 0; j < 10; j++ {
		port := uint32(8080)
		if j == 0 {
			port += shift
		}
		addr := fmt.Sprintf("10.%d.%d.%d", (i>>8)&255, i&255, j+1)
		eps = append(eps, &endpointv3.LbEndpoint{
			HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{Address: addr, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port}}}}}},
			HealthStatus:   corev3.HealthStatus_HEALTHY,
		})
	}
	return &endpointv3.ClusterLoadAssignment{
		ClusterName: name(i),
		Endpoints:   []*endpointv3.LocalityLbEndpoints{{Locality: &corev3.Locality{Region: "local", Zone: "a"}, LoadBalancingWeight: wrapperspb.UInt32(1), LbEndpoints: eps}},
	}
}

func makeHCM(routeName string) *hcmv3.HttpConnectionManager {
	return &hcmv3.HttpConnectionManager{
		StatPrefix:     routeName,
		RouteSpecifier: &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{ConfigSource: adsSource(), RouteConfigName: routeName}},
		HttpFilters:    []*hcmv3.HttpFilter{{Name: "envoy.filters.http.router", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(&routerv3.Router{})}}},
	}
}

func makeVirtualHost(i int, timeout int64, domains []string) *routev3.VirtualHost {
	return &routev3.VirtualHost{
		Name:    name(i),
		Domains: domains,
		Routes: []*routev3.Route{{
			Match:  &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
			Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: name(i)}, Timeout: durationpb.New(time.Duration(timeout) * time.Second)}},
		}},
	}
}

func (s *state) timeout(i int) int64 {
	if t, ok := s.timeouts[i]; ok {
		return t
	}
	return 15
}

func (s *state) meshSnapshot() *cachev3.Snapshot {
	clusters := make([]types.Resource, 0, s.services)
	clas := make([]types.Resource, 0, s.services)
	vhosts := make([]*routev3.VirtualHost, 0, s.services)
	for i := 0; i < s.services; i++ {
		clusters = append(clusters, makeCluster(i))
		clas = append(clas, makeCLA(i, s.portShift[i]))
		vhosts = append(vhosts, makeVirtualHost(i, s.timeout(i), []string{name(i), name(i) + ".default.svc.cluster.local"}))
	}
	lis := &listenerv3.Listener{
		Name:         "outbound-80",
		Address:      &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{Address: "0.0.0.0", PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 80}}}},
		FilterChains: []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{{Name: "envoy.filters.network.http_connection_manager", ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(makeHCM("80"))}}}}},
	}
	return s.snapshot(clusters, clas, []types.Resource{lis}, []types.Resource{&routev3.RouteConfiguration{Name: "80", VirtualHosts: vhosts}})
}

func (s *state) grpcSnapshot(i int) *cachev3.Snapshot {
	lis := &listenerv3.Listener{Name: name(i), ApiListener: &listenerv3.ApiListener{ApiListener: mustAny(makeHCM(name(i)))}}
	rc := &routev3.RouteConfiguration{Name: name(i), VirtualHosts: []*routev3.VirtualHost{makeVirtualHost(i, s.timeout(i), []string{"*"})}}
	return s.snapshot([]types.Resource{makeCluster(i)}, []types.Resource{makeCLA(i, s.portShift[i])}, []types.Resource{lis}, []types.Resource{rc})
}

func (s *state) snapshot(clusters, clas, listeners, routes []types.Resource) *cachev3.Snapshot {
	s.version++
	snap, err := cachev3.NewSnapshot(strconv.Itoa(s.version), map[resource.Type][]types.Resource{
		resource.ClusterType: clusters, resource.EndpointType: clas, resource.ListenerType: listeners, resource.RouteType: routes,
	})
	if err != nil {
		panic(err)
	}
	// snap.Consistent() is not called: it does not see RDS names inside api_listener
	// (gRPC-shaped listeners) and would reject valid snapshots.
	return snap
}

// monotonicMs is CLOCK_MONOTONIC in milliseconds, the clock the bench's Node processes read.
func monotonicMs() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(err)
	}
	return float64(ts.Sec)*1e3 + float64(ts.Nsec)/1e6
}

func main() {
	ctx := context.Background()
	cache := cachev3.NewSnapshotCache(true, nodeHash{}, nil)
	srv := serverv3.NewServer(ctx, cache, nil)
	grpcServer := grpc.NewServer(
		grpc.MaxConcurrentStreams(1_000_000),
		grpc.MaxSendMsgSize(64<<20),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: 30 * time.Second, Timeout: 10 * time.Second}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 5 * time.Second, PermitWithoutStream: true}),
	)
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(grpcServer, srv)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { _ = grpcServer.Serve(lis) }()

	out := json.NewEncoder(os.Stdout)
	_ = out.Encode(map[string]any{"event": "listening", "port": lis.Addr().(*net.TCPAddr).Port})

	st := &state{portShift: map[int]uint32{}, timeouts: map[int]int64{}}
	apply := func(i int) {
		if st.workload == "mesh" {
			_ = cache.SetSnapshot(ctx, "mesh", st.meshSnapshot())
		} else {
			_ = cache.SetSnapshot(ctx, "grpc-"+strconv.Itoa(i), st.grpcSnapshot(i))
		}
	}
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		receivedAtMs := monotonicMs()
		var c command
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			continue
		}
		switch c.Cmd {
		case "load":
			for _, key := range cache.GetStatusKeys() {
				cache.ClearSnapshot(key)
			}
			st = &state{workload: c.Workload, services: c.Services, portShift: map[int]uint32{}, timeouts: map[int]int64{}, version: st.version}
			if c.Workload == "mesh" {
				apply(0)
			} else {
				for i := 0; i < c.Services; i++ {
					apply(i)
				}
			}
			_ = out.Encode(map[string]any{"ok": true})
		case "endpoint":
			st.portShift[c.Service] = c.Shift
			apply(c.Service)
			_ = out.Encode(map[string]any{"ok": true, "receivedAtMs": receivedAtMs})
		case "route":
			st.timeouts[c.Service] = c.Timeout
			apply(c.Service)
			_ = out.Encode(map[string]any{"ok": true, "receivedAtMs": receivedAtMs})
		case "mem":
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			_ = out.Encode(map[string]any{"heap": m.HeapAlloc})
		case "exit":
			grpcServer.Stop()
			os.Exit(0)
		}
	}
}
