{
  "targets": [
    {
      "target_name": "kats_native",
      "sources": [
        "src/addon.cc",
        "src/errors.cc",
        "src/vrrp_socket.cc",
        "src/packet_send.cc",
        "src/unix_dgram.cc",
        "src/rt_signal.cc",
        "src/netns_guard.cc",
        "src/tcp_prober.cc",
        "src/proc_events.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra"]
    }
  ]
}
