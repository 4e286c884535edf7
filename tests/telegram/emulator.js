// Start telegram-test-api (a library, not a command) on 127.0.0.1:<port>, for Lantern's tests.
// Prints "ready <apiURL>" once it listens; stops on SIGTERM/SIGINT.
'use strict';

const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node emulator.js PORT');
  process.exit(2);
}

// The emulator posts webhooks from promises nobody awaits: a refused post (a test sending
// a wrong secret, say) must not take the whole emulator down with it.
process.on('unhandledRejection', (error) => {
  console.error(`emulator: ${error && error.message ? error.message : error}`);
});

const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });

async function stop() {
  await server.stop();
  process.exit(0);
}

server.start().then(() => {
  console.log(`ready ${server.config.apiURL}`);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}).catch((error) => {
  console.error(`emulator failed to start: ${error}`);
  process.exit(1);
});
