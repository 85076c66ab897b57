/*
 * Reference relay for the bench: one TCP hop that moves bytes with splice(2), socket → pipe →
 * socket, so they never enter user memory. It answers one question, what the bulk figures of
 * a 2-hop chain can reach on this machine when the relay itself costs next to nothing; it is
 * not part of Gatelink and handles only what the bulk figures need.
 *
 * Usage: splice-relay <listen port> <target port>   (both on 127.0.0.1)
 * Prints "listening" once it accepts connections. Two threads per connection, each pumping one
 * direction with blocking splice calls; a FIN is passed on as shutdown(SHUT_WR); the second
 * thread to finish closes both sockets.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define PIPE_BYTES (1 << 20)

struct pair {
  int player;
  int server;
  atomic_int running;
};

struct direction {
  struct pair *pair;
  int from;
  int to;
};

static void *pump(void *arg) {
  struct direction *d = arg;
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) == 0) {
    fcntl(pipefd[0], F_SETPIPE_SZ, PIPE_BYTES);
    for (;;) {
      ssize_t in = splice(d->from, NULL, pipefd[1], NULL, PIPE_BYTES, SPLICE_F_MOVE);
      if (in <= 0) break;
      while (in > 0) {
        ssize_t out = splice(pipefd[0], NULL, d->to, NULL, (size_t)in, SPLICE_F_MOVE);
        if (out <= 0) goto done;
        in -= out;
      }
    }
  done:
    close(pipefd[0]);
    close(pipefd[1]);
  }
  shutdown(d->to, SHUT_WR);
  struct pair *pair = d->pair;
  free(d);
  if (atomic_fetch_sub(&pair->running, 1) == 1) {
    close(pair->player);
    close(pair->server);
    free(pair);
  }
  return NULL;
}

static int start(struct pair *pair, int from, int to) {
  struct direction *d = malloc(sizeof *d);
  if (d == NULL) return -1;
  d->pair = pair;
  d->from = from;
  d->to = to;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  int err = pthread_create(&thread, &attr, pump, d);
  pthread_attr_destroy(&attr);
  if (err != 0) free(d);
  return err == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <listen port> <target port>\n", argv[0]);
    return 2;
  }
  int one = 1;
  struct sockaddr_in listen_addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  listen_addr.sin_port = htons((unsigned short)atoi(argv[1]));
  struct sockaddr_in target_addr = listen_addr;
  target_addr.sin_port = htons((unsigned short)atoi(argv[2]));

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (listener < 0 || bind(listener, (struct sockaddr *)&listen_addr, sizeof listen_addr) != 0 ||
      listen(listener, 1024) != 0) {
    perror("listen");
    return 1;
  }
  printf("listening\n");
  fflush(stdout);

  for (;;) {
    int player = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (player < 0) continue;
    int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (server < 0 || connect(server, (struct sockaddr *)&target_addr, sizeof target_addr) != 0) {
      close(player);
      if (server >= 0) close(server);
      continue;
    }
    /* As Gatelink and the HAProxy baseline relay game traffic: no Nagle delay. */
    setsockopt(player, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct pair *pair = malloc(sizeof *pair);
    if (pair == NULL) {
      close(player);
      close(server);
      continue;
    }
    pair->player = player;
    pair->server = server;
    atomic_init(&pair->running, 2);
    if (start(pair, player, server) != 0) {
      close(player);
      close(server);
      free(pair);
      continue;
    }
    if (start(pair, server, player) != 0) {
      /* The first thread owns the pair now: ending the player's side ends it. */
      shutdown(player, SHUT_RDWR);
      if (atomic_fetch_sub(&pair->running, 1) == 1) {
        close(player);
        close(server);
        free(pair);
      }
    }
  }
}
