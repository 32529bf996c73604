/* The dashboard opened from a file (file://): browsers load ES modules, JSON and the API only
 * over HTTP, so none of the modules runs. This one classic script says so where the panels
 * would be, and how to serve the page; served over HTTP it does nothing.
 */
'use strict';

(function () {
  if (window.location.protocol !== 'file:') return;
  const SERVE = 'python serve_frontend.py';

  function sentence(id, className, parts, tag) {
    const p = document.createElement(tag || 'p');
    if (id) p.id = id;
    p.className = className;
    for (const part of parts) {
      const node = part.code ? document.createElement('code') : document.createTextNode(part);
      if (part.code) node.textContent = part.code;
      p.appendChild(node);
    }
    return p;
  }

  const howTo = [' Start it with ', {code: SERVE}, ' and open the dashboard at the address it prints.'];
  const errors = document.getElementById('load-errors');
  errors.replaceChildren(sentence(null, '', ['This page is opened from a file, so the browser runs none '
    + 'of its modules and reads neither report.json nor query_result.json: they are served by ',
  {code: 'serve_frontend.py'}, '.'].concat(howTo)));
  errors.hidden = false;
  for (const body of document.querySelectorAll('.panel-body')) {
    if (body.id !== 'explore-body') body.replaceChildren(sentence(null, 'unavailable', ['No data: opened from a file.']));
  }
  const explore = document.getElementById('explore');
  explore.dataset.state = 'unavailable';
  document.getElementById('explore-body').replaceChildren(sentence('explore-unavailable', 'unavailable',
    ['The Explore section reads the database through the API of ', {code: 'serve_frontend.py'},
      ', and the API is not reachable from a file.'].concat(howTo)));
  document.getElementById('profile-link').replaceChildren(sentence('profile-missing', 'muted',
    ['Data profile: run ', {code: 'python project/profile_data.py'}], 'span'));
  document.body.dataset.state = 'partial';
}());
