/**
 * The conn-info file of {@code spec/conn-info.md}: {@link dev.kindling.protocol.conninfo.ConnInfo},
 * its byte codec (CONN-2.1, CONN-4.2 to 4.7), the atomic 0600 publisher the launcher uses
 * (CONN-3.1 to 3.3) and a bounded reader.
 */
package dev.kindling.protocol.conninfo;
