#!/usr/bin/env bash
# Writes a new ASP.NET Core Data Protection key (the XML format FileSystemXmlRepository reads) for the Web's
# shared key ring, and prints the kubectl command that stores it in the Secret the Web mounts at /keys.
#
#   deploy/k8s/scripts/new-dataprotection-key.sh [output-dir] [lifetime-days]
#
# Default: ./dataprotection-keys, 1825 days (5 years). The Web replicas only read the ring
# (DisableAutomaticKeyGeneration), so nothing in the cluster needs write access to it. To rotate, run this
# again into the same folder and recreate the Secret from the folder: old keys keep decrypting what they
# protected, the newest active key protects new data.
# The key is stored unencrypted: the Secret is its protection (enable encryption at rest for Secrets).
set -euo pipefail

out="${1:-./dataprotection-keys}"
days="${2:-1825}"

mkdir -p "$out"
if [ -r /proc/sys/kernel/random/uuid ]; then
  id=$(cat /proc/sys/kernel/random/uuid)
else
  id=$(uuidgen | tr '[:upper:]' '[:lower:]')
fi

now=$(date +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$1" +%Y-%m-%dT%H:%M:%SZ; }
# Activation a day in the past, so replicas whose clocks run a little behind accept the key at once.
created=$(iso "$((now - 86400))")
expires=$(iso "$((now + days * 86400))")
# AES-256-CBC + HMACSHA256 (the default algorithms) derive their keys from a 512-bit master key.
secret=$(head -c 64 /dev/urandom | base64 | tr -d '\n')

file="$out/key-$id.xml"
umask 077
cat >"$file" <<XML
<?xml version="1.0" encoding="utf-8"?>
<key id="$id" version="1">
  <creationDate>$created</creationDate>
  <activationDate>$created</activationDate>
  <expirationDate>$expires</expirationDate>
  <descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection, Version=10.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60">
    <descriptor>
      <encryption algorithm="AES_256_CBC" />
      <validation algorithm="HMACSHA256" />
      <masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection">
        <!-- Warning: the key below is in an unencrypted form. -->
        <value>$secret</value>
      </masterKey>
    </descriptor>
  </descriptor>
</key>
XML

echo "$file"
echo "Store the key ring (every key-*.xml in $out) with:" >&2
echo "  kubectl -n mikucloud create secret generic mikucloud-web-dataprotection --from-file=$out --dry-run=client -o yaml | kubectl apply -f -" >&2
