#!/usr/bin/env bash
# Regenerates the golden wire bytes (*.hex) from the text-format fixtures (*.txtpb) with protoc, the
# C++ protobuf implementation shipped in the Grpc.Tools package, so the expected bytes are produced
# independently of the C# runtime the tests check. Each fixture's first line names its message type:
#   # message: federation.types.v1alpha2.FederatedService
# Usage: tests/MeshInterop.Protocol.Tests/Golden/generate.sh   (after a restore of MeshInterop.Protocol)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
version() { grep -o "\"$1\" Version=\"[^\"]*\"" "$root/Directory.Packages.props" | sed 's/.*Version="\(.*\)"/\1/'; }
tools="$packages/grpc.tools/$(version Grpc.Tools)"
common="$packages/google.api.commonprotos/$(version Google.Api.CommonProtos)/content/protos"
case "$(uname -m)" in aarch64|arm64) arch=linux_arm64 ;; *) arch=linux_x64 ;; esac
protoc="${PROTOC:-$tools/tools/$arch/protoc}"
[ -x "$protoc" ] || chmod +x "$protoc"

protos=(
  resourcediscovery/v1alpha1/resource_discovery_v1alpha1.proto
  resourcediscovery/v1alpha2/resource_discovery_v1alpha2.proto
  types/v1alpha1/federated_service_v1alpha1.proto
  types/v1alpha2/federated_service_v1alpha2.proto
)

for fixture in "$here"/*.txtpb; do
  type=$(head -n 1 "$fixture" | sed -n 's/^# message: //p')
  [ -n "$type" ] || { echo "$fixture: first line must be '# message: <full message name>'" >&2; exit 1; }
  "$protoc" -I"$root/proto" -I"$tools/build/native/include" -I"$common" --encode="$type" "${protos[@]}" \
    < "$fixture" | od -An -v -tx1 | tr -d ' \n' > "${fixture%.txtpb}.hex"
  echo >> "${fixture%.txtpb}.hex"
  echo "$(basename "${fixture%.txtpb}.hex"): $type, $(( $(wc -c < "${fixture%.txtpb}.hex") / 2 )) bytes"
done
