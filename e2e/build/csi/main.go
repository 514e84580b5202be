// fermion-csi: a small hostpath CSI driver for Fermion's single-node e2e cluster. Volumes and snapshots are
// directories under --data-dir; a snapshot is a copy of its volume's directory, a volume restored from a snapshot
// starts as a copy of it; NodePublishVolume bind-mounts the volume's directory on the kubelet's target path. It
// also registers itself with the kubelet through the plugin registration API (what node-driver-registrar does),
// so that the kubelet finds its socket. It runs on the host, beside the kubelet, in the same mount namespace.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
	registration "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

const version = "1.0.0"

func main() {
	name := flag.String("driver-name", "hostpath.csi.fermion.dev", "the CSI driver's name (the StorageClass's provisioner)")
	endpoint := flag.String("endpoint", "", "unix socket the CSI services listen on")
	registrationDir := flag.String("registration-dir", "", "the kubelet's plugins_registry folder, where the registration socket goes")
	dataDir := flag.String("data-dir", "", "folder holding volumes/ and snapshots/")
	nodeID := flag.String("node-id", "", "this node's name")
	flag.Parse()
	if *endpoint == "" || *registrationDir == "" || *dataDir == "" || *nodeID == "" {
		log.Fatal("--endpoint, --registration-dir, --data-dir and --node-id are required")
	}
	d := &driver{name: *name, nodeID: *nodeID, volumes: filepath.Join(*dataDir, "volumes"), snapshots: filepath.Join(*dataDir, "snapshots")}
	for _, dir := range []string{d.volumes, d.snapshots} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			log.Fatal(err)
		}
	}

	csiServer := grpc.NewServer(grpc.UnaryInterceptor(logCalls))
	csi.RegisterIdentityServer(csiServer, d)
	csi.RegisterControllerServer(csiServer, d)
	csi.RegisterNodeServer(csiServer, d)
	csiListener := listen(*endpoint)

	// the kubelet's plugin watcher finds this socket, asks GetInfo, then talks CSI to the endpoint it names
	regSocket := filepath.Join(*registrationDir, *name+"-reg.sock")
	regServer := grpc.NewServer()
	registration.RegisterRegistrationServer(regServer, &registrar{name: *name, endpoint: *endpoint})
	regListener := listen(regSocket)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		regServer.Stop()
		csiServer.Stop()
		_ = os.Remove(regSocket)
		_ = os.Remove(*endpoint)
	}()
	go func() {
		if err := regServer.Serve(regListener); err != nil {
			log.Fatal(err)
		}
	}()
	log.Printf("%s %s: CSI on %s, registration on %s, data in %s", *name, version, *endpoint, regSocket, *dataDir)
	if err := csiServer.Serve(csiListener); err != nil {
		log.Fatal(err)
	}
}

func listen(socket string) net.Listener {
	if err := os.MkdirAll(filepath.Dir(socket), 0o750); err != nil {
		log.Fatal(err)
	}
	if err := os.Remove(socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Fatal(err)
	}
	l, err := net.Listen("unix", socket)
	if err != nil {
		log.Fatal(err)
	}
	return l
}

func logCalls(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err != nil {
		log.Printf("%s: %v", info.FullMethod, err)
	} else if !strings.HasSuffix(info.FullMethod, "/Probe") && !strings.HasSuffix(info.FullMethod, "Capabilities") {
		log.Printf("%s: ok", info.FullMethod)
	}
	return resp, err
}

type registrar struct {
	registration.UnimplementedRegistrationServer
	name, endpoint string
}

func (r *registrar) GetInfo(context.Context, *registration.InfoRequest) (*registration.PluginInfo, error) {
	return &registration.PluginInfo{Type: registration.CSIPlugin, Name: r.name, Endpoint: r.endpoint,
		SupportedVersions: []string{version}}, nil
}

func (r *registrar) NotifyRegistrationStatus(_ context.Context, s *registration.RegistrationStatus) (*registration.RegistrationStatusResponse, error) {
	if s.PluginRegistered {
		log.Printf("registered with the kubelet")
	} else {
		log.Printf("the kubelet refused the registration: %s", s.Error)
	}
	return &registration.RegistrationStatusResponse{}, nil
}

type driver struct {
	csi.UnimplementedIdentityServer
	csi.UnimplementedControllerServer
	csi.UnimplementedNodeServer
	name, nodeID       string
	volumes, snapshots string
	mu                 sync.Mutex // one operation at a time: creating, copying and deleting directories
}

// IDs become folder names: the sidecars derive them from Kubernetes names (pvc-UID, snapshot-UID).
var validID = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$`)

func checkID(kind, id string) error {
	if !validID.MatchString(id) {
		return status.Errorf(codes.InvalidArgument, "invalid %s %q", kind, id)
	}
	return nil
}

// ---- Identity

func (d *driver) GetPluginInfo(context.Context, *csi.GetPluginInfoRequest) (*csi.GetPluginInfoResponse, error) {
	return &csi.GetPluginInfoResponse{Name: d.name, VendorVersion: version}, nil
}

func (d *driver) GetPluginCapabilities(context.Context, *csi.GetPluginCapabilitiesRequest) (*csi.GetPluginCapabilitiesResponse, error) {
	return &csi.GetPluginCapabilitiesResponse{Capabilities: []*csi.PluginCapability{{
		Type: &csi.PluginCapability_Service_{Service: &csi.PluginCapability_Service{Type: csi.PluginCapability_Service_CONTROLLER_SERVICE}},
	}}}, nil
}

func (d *driver) Probe(context.Context, *csi.ProbeRequest) (*csi.ProbeResponse, error) {
	return &csi.ProbeResponse{}, nil
}

// ---- Controller

func (d *driver) ControllerGetCapabilities(context.Context, *csi.ControllerGetCapabilitiesRequest) (*csi.ControllerGetCapabilitiesResponse, error) {
	var caps []*csi.ControllerServiceCapability
	for _, c := range []csi.ControllerServiceCapability_RPC_Type{
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_VOLUME, csi.ControllerServiceCapability_RPC_CREATE_DELETE_SNAPSHOT,
	} {
		caps = append(caps, &csi.ControllerServiceCapability{Type: &csi.ControllerServiceCapability_Rpc{
			Rpc: &csi.ControllerServiceCapability_RPC{Type: c}}})
	}
	return &csi.ControllerGetCapabilitiesResponse{Capabilities: caps}, nil
}

// Mounted file systems only, on one node: block volumes and multi-node access are refused.
func checkCapabilities(caps []*csi.VolumeCapability) error {
	if len(caps) == 0 {
		return status.Error(codes.InvalidArgument, "volume capabilities missing")
	}
	for _, c := range caps {
		if c.GetMount() == nil {
			return status.Error(codes.InvalidArgument, "only mounted (file system) volumes are supported")
		}
		switch c.GetAccessMode().GetMode() {
		case csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER, csi.VolumeCapability_AccessMode_SINGLE_NODE_READER_ONLY,
			csi.VolumeCapability_AccessMode_SINGLE_NODE_SINGLE_WRITER, csi.VolumeCapability_AccessMode_SINGLE_NODE_MULTI_WRITER:
		default:
			return status.Errorf(codes.InvalidArgument, "access mode %s is not supported (one node)", c.GetAccessMode().GetMode())
		}
	}
	return nil
}

func (d *driver) CreateVolume(_ context.Context, req *csi.CreateVolumeRequest) (*csi.CreateVolumeResponse, error) {
	id := req.GetName()
	if err := checkID("volume name", id); err != nil {
		return nil, err
	}
	if err := checkCapabilities(req.GetVolumeCapabilities()); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	dir := filepath.Join(d.volumes, id)
	resp := &csi.CreateVolumeResponse{Volume: &csi.Volume{VolumeId: id, CapacityBytes: req.GetCapacityRange().GetRequiredBytes(),
		ContentSource: req.GetVolumeContentSource()}}
	if _, err := os.Stat(dir); err == nil {
		return resp, nil // created before: the provisioner retries after a timeout
	}
	// built under a temporary name, so that a volume that exists is always complete
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if source := req.GetVolumeContentSource(); source != nil {
		snapshot := source.GetSnapshot()
		if snapshot == nil {
			return nil, status.Error(codes.InvalidArgument, "only snapshots can be a volume's content source")
		}
		if err := checkID("snapshot id", snapshot.GetSnapshotId()); err != nil {
			return nil, err
		}
		from := filepath.Join(d.snapshots, snapshot.GetSnapshotId())
		if _, err := os.Stat(from); err != nil {
			return nil, status.Errorf(codes.NotFound, "snapshot %s: %v", snapshot.GetSnapshotId(), err)
		}
		if err := copyDir(from, tmp); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	} else if err := os.Mkdir(tmp, 0o755); err != nil {
		// owned by root; the kubelet gives it the pod's fsGroup (the CSIDriver's fsGroupPolicy is File)
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return resp, nil
}

func (d *driver) DeleteVolume(_ context.Context, req *csi.DeleteVolumeRequest) (*csi.DeleteVolumeResponse, error) {
	if err := checkID("volume id", req.GetVolumeId()); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := os.RemoveAll(filepath.Join(d.volumes, req.GetVolumeId())); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.DeleteVolumeResponse{}, nil
}

func (d *driver) ValidateVolumeCapabilities(_ context.Context, req *csi.ValidateVolumeCapabilitiesRequest) (*csi.ValidateVolumeCapabilitiesResponse, error) {
	if err := checkID("volume id", req.GetVolumeId()); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(d.volumes, req.GetVolumeId())); err != nil {
		return nil, status.Errorf(codes.NotFound, "volume %s: %v", req.GetVolumeId(), err)
	}
	if err := checkCapabilities(req.GetVolumeCapabilities()); err != nil {
		return &csi.ValidateVolumeCapabilitiesResponse{Message: err.Error()}, nil
	}
	return &csi.ValidateVolumeCapabilitiesResponse{Confirmed: &csi.ValidateVolumeCapabilitiesResponse_Confirmed{
		VolumeContext: req.GetVolumeContext(), VolumeCapabilities: req.GetVolumeCapabilities(), Parameters: req.GetParameters()}}, nil
}

func (d *driver) CreateSnapshot(_ context.Context, req *csi.CreateSnapshotRequest) (*csi.CreateSnapshotResponse, error) {
	id, source := req.GetName(), req.GetSourceVolumeId()
	if err := checkID("snapshot name", id); err != nil {
		return nil, err
	}
	if err := checkID("source volume id", source); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	dir := filepath.Join(d.snapshots, id)
	if info, err := os.Stat(dir); err == nil {
		// taken before: the same snapshot again, or a name already used for another volume's
		if recorded, _ := os.ReadFile(dir + ".source"); string(recorded) != source {
			return nil, status.Errorf(codes.AlreadyExists, "snapshot %s exists, of volume %s", id, recorded)
		}
		return snapshotResponse(id, source, info.ModTime().Unix()), nil
	}
	from := filepath.Join(d.volumes, source)
	if _, err := os.Stat(from); err != nil {
		return nil, status.Errorf(codes.NotFound, "volume %s: %v", source, err)
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := copyDir(from, tmp); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := os.WriteFile(dir+".source", []byte(source), 0o600); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return snapshotResponse(id, source, info.ModTime().Unix()), nil
}

func snapshotResponse(id, source string, created int64) *csi.CreateSnapshotResponse {
	return &csi.CreateSnapshotResponse{Snapshot: &csi.Snapshot{SnapshotId: id, SourceVolumeId: source,
		CreationTime: timestamppb.New(time.Unix(created, 0)), ReadyToUse: true}}
}

func (d *driver) DeleteSnapshot(_ context.Context, req *csi.DeleteSnapshotRequest) (*csi.DeleteSnapshotResponse, error) {
	if err := checkID("snapshot id", req.GetSnapshotId()); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	dir := filepath.Join(d.snapshots, req.GetSnapshotId())
	if err := os.RemoveAll(dir); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := os.Remove(dir + ".source"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.DeleteSnapshotResponse{}, nil
}

// copyDir copies a folder with its owners, modes and times (cp -a): a restored volume is what was snapshotted.
func copyDir(from, to string) error {
	if out, err := exec.Command("cp", "-a", "--", from, to).CombinedOutput(); err != nil {
		_ = os.RemoveAll(to)
		return fmt.Errorf("copying %s: %v: %s", from, err, out)
	}
	return nil
}

// ---- Node

func (d *driver) NodeGetInfo(context.Context, *csi.NodeGetInfoRequest) (*csi.NodeGetInfoResponse, error) {
	return &csi.NodeGetInfoResponse{NodeId: d.nodeID}, nil
}

func (d *driver) NodeGetCapabilities(context.Context, *csi.NodeGetCapabilitiesRequest) (*csi.NodeGetCapabilitiesResponse, error) {
	return &csi.NodeGetCapabilitiesResponse{}, nil // no staging: NodePublishVolume mounts directly
}

func (d *driver) NodePublishVolume(_ context.Context, req *csi.NodePublishVolumeRequest) (*csi.NodePublishVolumeResponse, error) {
	id, target := req.GetVolumeId(), req.GetTargetPath()
	if err := checkID("volume id", id); err != nil {
		return nil, err
	}
	if !filepath.IsAbs(target) {
		return nil, status.Errorf(codes.InvalidArgument, "target path %q is not absolute", target)
	}
	if err := checkCapabilities([]*csi.VolumeCapability{req.GetVolumeCapability()}); err != nil {
		return nil, err
	}
	source := filepath.Join(d.volumes, id)
	if _, err := os.Stat(source); err != nil {
		return nil, status.Errorf(codes.NotFound, "volume %s: %v", id, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	mounted, err := isMountPoint(target)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if mounted {
		return &csi.NodePublishVolumeResponse{}, nil
	}
	if err := os.MkdirAll(target, 0o750); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := syscall.Mount(source, target, "", syscall.MS_BIND, ""); err != nil {
		return nil, status.Errorf(codes.Internal, "bind-mounting %s on %s: %v", source, target, err)
	}
	if req.GetReadonly() {
		// a bind mount takes read-only only when remounted
		if err := syscall.Mount("", target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			_ = syscall.Unmount(target, 0)
			return nil, status.Errorf(codes.Internal, "making %s read-only: %v", target, err)
		}
	}
	return &csi.NodePublishVolumeResponse{}, nil
}

func (d *driver) NodeUnpublishVolume(_ context.Context, req *csi.NodeUnpublishVolumeRequest) (*csi.NodeUnpublishVolumeResponse, error) {
	target := req.GetTargetPath()
	if err := checkID("volume id", req.GetVolumeId()); err != nil {
		return nil, err
	}
	if !filepath.IsAbs(target) {
		return nil, status.Errorf(codes.InvalidArgument, "target path %q is not absolute", target)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	mounted, err := isMountPoint(target)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if mounted {
		if err := syscall.Unmount(target, 0); err != nil {
			return nil, status.Errorf(codes.Internal, "unmounting %s: %v", target, err)
		}
	}
	if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.NodeUnpublishVolumeResponse{}, nil
}

// isMountPoint: whether PATH is a mount point in this mount namespace, from /proc/self/mountinfo (a bind mount of
// a folder of the same file system has the same device, so comparing devices would not tell).
func isMountPoint(path string) (bool, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false, err
	}
	clean := filepath.Clean(path)
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && unescapeMountinfo(fields[4]) == clean {
			return true, nil
		}
	}
	return false, nil
}

// mountinfo escapes space, tab, newline and backslash as octal.
func unescapeMountinfo(s string) string {
	return strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(s)
}
